import { ValidationProblemException } from '../common/http/validation-problem.exception';
import commonPasswordList from './common-passwords.json';
import {
  assertPasswordAllowed,
  COMMON_PASSWORD_PROBLEM,
  LOCAL_PART_PROBLEM,
  normalise,
  PASSWORD_LENGTH_PROBLEM,
  passwordLength,
  passwordProblem,
} from './password-policy';

const EMAIL = 'jo@example.org';
const COMPOSED_E = '\u00e9';
const DECOMPOSED_E = 'e\u0301';

describe('password policy', () => {
  describe('normalise', () => {
    it('should turn full-width letters into their plain form', () => {
      expect(normalise('ｐａｓｓｗｏｒｄ')).toBe('password');
    });

    it('should make a decomposed é the composed one', () => {
      expect(normalise(`caf${DECOMPOSED_E}`)).toBe(`caf${COMPOSED_E}`);
    });

    it('should expand compatibility characters such as ligatures', () => {
      expect(normalise('\ufb01ve')).toBe('five');
    });
  });

  describe('passwordLength', () => {
    it('should count after normalisation', () => {
      expect(passwordLength(DECOMPOSED_E.repeat(8))).toBe(8);
      expect(passwordLength('\ufb01'.repeat(4))).toBe(8);
    });

    it('should count a character outside the BMP once', () => {
      expect(passwordLength('🔑'.repeat(8))).toBe(8);
    });
  });

  describe('passwordProblem', () => {
    it('should allow a long, uncommon password', () => {
      expect(passwordProblem('correct horse battery staple', EMAIL)).toBeNull();
    });

    it.each([
      ['7 characters', 'x9#kq2!'],
      ['129 characters', 'x9#kq2!v'.repeat(16) + 'z'],
      ['65 ligatures that NFKC makes 130 letters', '\ufb01'.repeat(65)],
    ])('should refuse a length of %s', (_label, password) => {
      expect(passwordProblem(password, EMAIL)).toBe(PASSWORD_LENGTH_PROBLEM);
    });

    it('should allow 128 characters typed as 192 UTF-16 units', () => {
      expect(passwordProblem(`${DECOMPOSED_E.repeat(64)}${'x9#kq2!v'.repeat(8)}`, EMAIL)).toBeNull();
    });

    it.each(['password', 'Password', 'PASSWORD', 'iloveyou', 'trustno1', 'ｐａｓｓｗｏｒｄ', 'ＰＡＳＳＷＯＲＤ'])(
      'should refuse the common password %p, whatever its case or width',
      (password) => {
        expect(passwordProblem(password, EMAIL)).toBe(COMMON_PASSWORD_PROBLEM);
      },
    );

    it('should refuse every password of the list that is long enough to be set', () => {
      const settable = commonPasswordList.filter((password) => passwordLength(password) >= 8);

      expect(settable.length).toBeGreaterThan(3000);
      expect(settable.filter((password) => passwordProblem(password, EMAIL) !== COMMON_PASSWORD_PROBLEM)).toEqual([]);
    });

    it('should hold about 10 000 passwords, stored as they are compared', () => {
      expect(commonPasswordList).toHaveLength(9913);
      expect(commonPasswordList.filter((password) => normalise(password).toLowerCase() !== password)).toEqual([]);
    });

    it.each([
      ['the local part', 'maria.lopez@example.org', 'my name is maria.lopez!'],
      ['it in another case', 'maria.lopez@example.org', 'xx MARIA.Lopez xx'],
      ['it in full-width letters', 'maria@example.org', 'ｍａｒｉａ rocks 2024'],
      ['it with a decomposed é', `ren${COMPOSED_E}e@example.org`, `ren${DECOMPOSED_E}e and 42 cats`],
      ['the part before the last @', '"a@b"carol@example.org', 'I am "a@b"carol, hi'],
    ])('should refuse a password containing %s', (_label, email, password) => {
      expect(passwordProblem(password, email)).toBe(LOCAL_PART_PROBLEM);
    });

    it('should ignore local parts shorter than 3 characters', () => {
      expect(passwordProblem('jo jumps over the fence', 'jo@example.org')).toBeNull();
      expect(passwordProblem('a quiet afternoon', 'a@example.org')).toBeNull();
    });

    it('should allow the domain in the password', () => {
      expect(passwordProblem('example.org is my home', 'maria@example.org')).toBeNull();
    });
  });

  describe('assertPasswordAllowed', () => {
    it('should throw the validation 400 naming the field', () => {
      let thrown: unknown;
      try {
        assertPasswordAllowed('Password', EMAIL, 'newPassword');
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(ValidationProblemException);
      expect((thrown as ValidationProblemException).errors).toEqual([
        { field: 'newPassword', message: `newPassword ${COMMON_PASSWORD_PROBLEM}` },
      ]);
    });

    it('should not throw for an allowed password', () => {
      expect(() => assertPasswordAllowed('correct horse battery staple', EMAIL, 'password')).not.toThrow();
    });
  });
});
