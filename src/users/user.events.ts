/** Announced by the users module when a change must end the user's sessions; the auth module listens. */
export enum UserEvent {
  RolesChanged = 'user.roles-changed',
  Disabled = 'user.disabled',
  Deleted = 'user.deleted',
}

export class UserChangedEvent {
  constructor(readonly userId: string) {}
}
