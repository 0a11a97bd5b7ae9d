import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInteger } from './transforms';

/** `page` and `limit` of every paginated list. */
export class PageQuery {
  /** Page number, from 1. */
  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  page: number = 1;

  /** Items per page, 1 to 100. */
  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @Transform(toInteger)
  @Min(1)
  @Max(100)
  @IsInt()
  limit: number = 20;
}
