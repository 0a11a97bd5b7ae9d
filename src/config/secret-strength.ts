/**
 * About 128 bits by the estimate below, which a fast KDF (HKDF) needs from its input: with so many, no guessing can
 * succeed however fast each guess is. A little under 128, so that a random 32-character hex string (exactly 128 bits)
 * passes even when some of its characters happen to fall into a run.
 */
export const MIN_SECRET_BITS = 112;

const CLASSES: [RegExp, number][] = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  [/[ -/:-@[-`{-~]/, 33],
  [/[^\x20-\x7e]/, 100],
];
const HEX = /^(?=.*[a-f])[0-9a-f]+$/i;

/**
 * A conservative estimate of the bits in a secret, as if its characters were drawn at random from the classes it
 * uses (lower case, upper case, digits, symbols; hex counts as 16 symbols), counting neither a character that
 * continues a run beyond its third (aaaa, abcd, 9876) nor more than four characters per distinct one (abab…, 1234512345…).
 */
export function estimatedSecretBits(secret: string): number {
  const characters = [...secret];
  const alphabet = HEX.test(secret)
    ? 16
    : CLASSES.reduce((size, [pattern, count]) => size + (pattern.test(secret) ? count : 0), 0);
  let counted = Math.min(characters.length, 3);
  for (let i = 3; i < characters.length; i++) {
    // Only from the fourth character of a run on: three in a row happen often enough in random strings.
    if (!(continuesRun(characters, i) && continuesRun(characters, i - 1))) {
      counted++;
    }
  }
  const effectiveLength = Math.min(counted, new Set(characters).size * 4);
  return Math.floor(effectiveLength * Math.log2(Math.max(alphabet, 2)));
}

function continuesRun(characters: string[], index: number): boolean {
  const step = codeAt(characters, index) - codeAt(characters, index - 1);
  const previousStep = codeAt(characters, index - 1) - codeAt(characters, index - 2);
  return step === previousStep && Math.abs(step) <= 1;
}

function codeAt(characters: string[], index: number): number {
  return characters[index].codePointAt(0) ?? 0;
}
