export class TotpSetupResponseDto {
  /**
   * The TOTP secret, base32, for typing into an authenticator app; not in force until confirmed.
   * @example "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
   */
  secret: string;
  /**
   * The same secret as an `otpauth://` URI (SHA-1, 6 digits, 30 s), for a QR code.
   * @example "otpauth://totp/auth.example.org:ada%40example.com?issuer=auth.example.org&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30"
   */
  otpauthUri: string;
}
