/** One rendered message: both bodies say the same, so any mail client shows the link. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}
