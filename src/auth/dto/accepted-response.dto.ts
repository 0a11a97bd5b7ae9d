/** The answer of a request whose outcome is mailed, the same whatever the address: it tells nobody who has an account. */
export class AcceptedResponseDto {
  /**
   * What happens next, in words for the user.
   * @example "If the address can receive this mail, it is on its way. Check your inbox."
   */
  message: string;
}

export const CHECK_YOUR_MAIL: AcceptedResponseDto = {
  message: 'If the address can receive this mail, it is on its way. Check your inbox.',
};
