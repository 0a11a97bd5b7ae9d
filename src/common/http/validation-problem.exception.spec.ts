import { BadRequestException, HttpStatus } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation.pipe';
import { ValidationProblemException } from './validation-problem.exception';

// As in our DTOs, the type check is the bottom decorator: it runs first, and the pipe stops at the first failure.
class AddressDto {
  @IsString()
  street: string;

  @Min(1)
  @IsInt()
  number: number;
}

class SignUpDto {
  @IsEmail()
  email: string;

  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;

  @ValidateNested({ each: true })
  @Type(() => AddressDto)
  previous: AddressDto[];
}

class NameDto {
  @MinLength(3)
  @IsString()
  name: string;
}

async function problemsFor(value: unknown, metatype: new () => object): Promise<ValidationProblemException> {
  try {
    await createValidationPipe().transform(value, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof ValidationProblemException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the validation pipe to throw a ValidationProblemException');
}

describe('ValidationProblemException', () => {
  it('should be a 400 saying the request has invalid fields', () => {
    const exception = new ValidationProblemException([{ field: 'email', message: 'email must be an email' }]);

    expect(exception).toBeInstanceOf(BadRequestException);
    expect(exception.getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect(exception.message).toBe('The request has invalid fields.');
    expect(exception.errors).toEqual([{ field: 'email', message: 'email must be an email' }]);
  });

  describe('fromValidationErrors', () => {
    it('should list one problem per failed constraint, nested fields dotted', () => {
      const exception = ValidationProblemException.fromValidationErrors([
        { property: 'email', constraints: { isEmail: 'email must be an email', isString: 'email must be a string' } },
        {
          property: 'profile',
          children: [
            {
              property: 'links',
              children: [
                { property: '1', children: [{ property: 'url', constraints: { isUrl: 'url must be a URL' } }] },
              ],
            },
          ],
        },
      ]);

      expect(exception.errors).toEqual([
        { field: 'email', message: 'email must be an email' },
        { field: 'email', message: 'email must be a string' },
        { field: 'profile.links.1.url', message: 'url must be a URL' },
      ]);
    });

    it('should list nothing for an empty list', () => {
      expect(ValidationProblemException.fromValidationErrors([]).errors).toEqual([]);
    });
  });

  describe('through the validation pipe', () => {
    it('should report every failed field of a nested body, dotted', async () => {
      const exception = await problemsFor(
        {
          email: 'nope',
          address: { street: 7, number: 0 },
          previous: [{ street: 'Main', number: 1 }, { street: 'Elm' }],
        },
        SignUpDto,
      );

      expect(exception.errors).toEqual([
        { field: 'email', message: 'email must be an email' },
        { field: 'address.street', message: 'street must be a string' },
        { field: 'address.number', message: 'number must not be less than 1' },
        { field: 'previous.1.number', message: 'number must be an integer number' },
      ]);
    });

    it('should reject an unknown field', async () => {
      const exception = await problemsFor({ name: 'Ada', isAdmin: true }, NameDto);

      expect(exception.errors).toEqual([{ field: 'isAdmin', message: 'property isAdmin should not exist' }]);
    });

    it('should report one problem per field, the wrong type first, without converting the value', async () => {
      const exception = await problemsFor({ name: 12345 }, NameDto);

      expect(exception.errors).toEqual([{ field: 'name', message: 'name must be a string' }]);
    });

    it('should report the next constraint once the type is right', async () => {
      const exception = await problemsFor({ name: 'Al' }, NameDto);

      expect(exception.errors).toEqual([
        { field: 'name', message: 'name must be longer than or equal to 3 characters' },
      ]);
    });

    it('should pass a valid body through as an instance of the DTO', async () => {
      const value = await createValidationPipe().transform({ name: 'Ada' }, { type: 'body', metatype: NameDto });

      expect(value).toBeInstanceOf(NameDto);
      expect(value).toEqual({ name: 'Ada' });
    });
  });
});
