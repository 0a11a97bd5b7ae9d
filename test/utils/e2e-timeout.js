// Hooks start whole apps, sometimes two isolated ones; on a busy 2-core CI machine that outgrew Jest's 5 s default.
// Tests that bound their own time still pass their own timeout.
jest.setTimeout(30_000);
