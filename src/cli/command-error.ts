/** A failure the operator can act on; its message is the one line the command prints. */
export class CommandError extends Error {}
