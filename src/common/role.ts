/** The roles an access token can carry. New users get `user`; only an admin grants `admin`. */
export enum Role {
  User = 'user',
  Admin = 'admin',
}
