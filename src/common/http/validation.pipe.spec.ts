import { ArgumentMetadata } from '@nestjs/common';
import { ChangePasswordDto } from '../../auth/dto/change-password.dto';
import { LoginDto } from '../../auth/dto/login.dto';
import { RefreshDto } from '../../auth/dto/refresh.dto';
import { RegisterDto } from '../../auth/dto/register.dto';
import { AdminUpdateUserDto } from '../../users/dto/admin-update-user.dto';
import { DeleteMeDto } from '../../users/dto/delete-me.dto';
import { ListUsersQuery } from '../../users/dto/list-users.query';
import { UpdateMeDto } from '../../users/dto/update-me.dto';
import { FieldProblem } from '../problem';
import { createValidationPipe } from './validation.pipe';
import { ValidationProblemException } from './validation-problem.exception';

async function problemsOf(value: unknown, metatype: ArgumentMetadata['metatype'], type: 'body' | 'query' = 'body') {
  try {
    await createValidationPipe().transform(value, { type, metatype });
  } catch (error) {
    if (error instanceof ValidationProblemException) {
      return error.errors;
    }
    throw error;
  }
  throw new Error('expected the validation pipe to reject the value');
}

describe('createValidationPipe with our DTOs', () => {
  it.each<[string, ArgumentMetadata['metatype'], object, FieldProblem[]]>([
    [
      'RegisterDto',
      RegisterDto,
      { email: 42, password: 42, displayName: 42 },
      [
        { field: 'email', message: 'email must be a string' },
        { field: 'password', message: 'password must be a string' },
        { field: 'displayName', message: 'displayName must be a string' },
      ],
    ],
    [
      'LoginDto',
      LoginDto,
      { email: ['a@b.c'], password: true },
      [
        { field: 'email', message: 'email must be a string' },
        { field: 'password', message: 'password must be a string' },
      ],
    ],
    ['RefreshDto', RefreshDto, {}, [{ field: 'refreshToken', message: 'refreshToken must be a string' }]],
    ['DeleteMeDto', DeleteMeDto, { password: null }, [{ field: 'password', message: 'password must be a string' }]],
    [
      'UpdateMeDto',
      UpdateMeDto,
      { displayName: {} },
      [{ field: 'displayName', message: 'displayName must be a string' }],
    ],
    [
      'AdminUpdateUserDto',
      AdminUpdateUserDto,
      { roles: 'admin', disabled: 'yes' },
      [
        { field: 'roles', message: 'roles must be an array' },
        { field: 'disabled', message: 'disabled must be a boolean value' },
      ],
    ],
  ])('should report a wrong type first, once per field, in %s', async (_name, metatype, value, expected) => {
    await expect(problemsOf(value, metatype)).resolves.toEqual(expected);
  });

  it('should report a wrong query type first', async () => {
    await expect(problemsOf({ page: 'two', limit: '1.5' }, ListUsersQuery, 'query')).resolves.toEqual([
      { field: 'page', message: 'page must be an integer number' },
      { field: 'limit', message: 'limit must be an integer number' },
    ]);
  });

  it('should apply the query defaults and turn numbers into integers', async () => {
    await expect(
      createValidationPipe().transform({ limit: '50' }, { type: 'query', metatype: ListUsersQuery }),
    ).resolves.toEqual({ page: 1, limit: 50 });
  });

  it('should trim and lower-case a login email', async () => {
    await expect(
      createValidationPipe().transform(
        { email: '  Ada@Example.ORG ', password: 'pw' },
        { type: 'body', metatype: LoginDto },
      ),
    ).resolves.toEqual({ email: 'ada@example.org', password: 'pw' });
  });

  it('should reject an unknown body field', async () => {
    await expect(problemsOf({ refreshToken: 'x', extra: 1 }, RefreshDto)).resolves.toEqual([
      { field: 'extra', message: 'property extra should not exist' },
    ]);
  });

  it.each([
    ['7 characters', 'p'.repeat(7)],
    ['129 characters', 'p'.repeat(129)],
  ])('should refuse a new password of %s', async (_label, password) => {
    await expect(problemsOf({ email: 'ada@example.org', password }, RegisterDto)).resolves.toEqual([
      { field: 'password', message: 'password must be 8 to 128 characters' },
    ]);
  });

  it('should count a new password after NFKC normalisation', async () => {
    const decomposedE = 'e\u0301';

    const eightLetters = { email: 'ada@example.org', password: decomposedE.repeat(8) };
    await expect(
      createValidationPipe().transform(eightLetters, { type: 'body', metatype: RegisterDto }),
    ).resolves.toEqual(eightLetters);
    await expect(
      problemsOf({ currentPassword: 'x', newPassword: '\ufb01'.repeat(65) }, ChangePasswordDto),
    ).resolves.toEqual([{ field: 'newPassword', message: 'newPassword must be 8 to 128 characters' }]);
  });

  it('should take a given password of 128 characters however it was typed, and no longer', async () => {
    const typedDecomposed = { email: 'ada@example.org', password: 'e\u0301'.repeat(128) };

    await expect(
      createValidationPipe().transform(typedDecomposed, { type: 'body', metatype: LoginDto }),
    ).resolves.toEqual(typedDecomposed);
    await expect(problemsOf({ password: 'p'.repeat(129) }, DeleteMeDto)).resolves.toEqual([
      { field: 'password', message: 'password must be at most 128 characters' },
    ]);
  });

  it('should refuse roles outside the enum and duplicated roles', async () => {
    await expect(problemsOf({ roles: ['root'] }, AdminUpdateUserDto)).resolves.toEqual([
      { field: 'roles', message: expect.stringContaining('each value in roles must be one of') as string },
    ]);
    await expect(problemsOf({ roles: ['user', 'user'] }, AdminUpdateUserDto)).resolves.toEqual([
      { field: 'roles', message: expect.stringContaining('unique') as string },
    ]);
  });

  it.each([
    ['a NUL', 'Ada\u0000Lovelace'],
    ['a lone high surrogate', 'Ada \ud800'],
    ['a lone low surrogate', '\udfff Ada'],
  ])('should refuse a string field with %s, naming it', async (_label, displayName) => {
    await expect(problemsOf({ displayName }, UpdateMeDto)).resolves.toEqual([
      { field: 'displayName', message: 'displayName must not contain NUL characters or lone UTF-16 surrogates' },
    ]);
  });

  it('should refuse an unsafe string in a query, and in an email before IsEmail could throw on it', async () => {
    await expect(problemsOf({ search: 'a\u0000' }, ListUsersQuery, 'query')).resolves.toEqual([
      { field: 'search', message: expect.stringContaining('NUL') as string },
    ]);
    await expect(problemsOf({ email: 'a\ud800@example.org', password: 'p'.repeat(12) }, RegisterDto)).resolves.toEqual([
      { field: 'email', message: expect.stringContaining('surrogate') as string },
    ]);
  });

  it('should keep a string with a surrogate pair (an emoji)', async () => {
    await expect(
      createValidationPipe().transform({ displayName: 'Ada 😀' }, { type: 'body', metatype: UpdateMeDto }),
    ).resolves.toEqual({ displayName: 'Ada 😀' });
  });

  it.each([
    ['an access token', 'eyJhbGciOiJSUzI1NiJ9.'.repeat(20)],
    ['a number', 42],
    ['null', null],
    ['a string with a NUL', `${'a'.repeat(42)}\u0000`],
  ])('should turn %s sent as refreshToken into a token that matches none', async (_label, refreshToken) => {
    await expect(
      createValidationPipe().transform({ refreshToken }, { type: 'body', metatype: RefreshDto }),
    ).resolves.toEqual({ refreshToken: '' });
  });
});
