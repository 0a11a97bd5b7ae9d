export class RecoveryCodesResponseDto {
  /**
   * Ten single-use codes that stand in for a TOTP code when the authenticator is lost. Shown this once only.
   * @example ["1a2b3-c4d5e-6f7a8-b9c0d", "0f1e2-d3c4b-a5968-77e6f"]
   */
  recoveryCodes: string[];
}
