/** A start-up failure the operator can fix: its message is one line that names the variable and the fix. */
export class StartupError extends Error {}
