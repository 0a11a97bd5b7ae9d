import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { toInteger, trim } from '../../common/http/transforms';

export class ListUsersQuery {
  /** Page number, from 1. */
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  page: number = 1;

  /** Items per page, 1 to 100. */
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toInteger)
  @Min(1)
  @Max(100)
  @IsInt()
  limit: number = 20;

  /** Matches a substring of the email or display name, ignoring case. */
  @IsOptional()
  @Transform(trim)
  @MaxLength(320)
  @IsString()
  search?: string;
}
