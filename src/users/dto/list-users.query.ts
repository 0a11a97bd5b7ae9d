import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { toInteger, trim } from '../../common/http/transforms';

export class ListUsersQuery {
  /** Page number, from 1. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  page: number = 1;

  /** Items per page, 1 to 100. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  /** Matches a substring of the email or display name, ignoring case. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(320)
  search?: string;
}
