import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';
import { trim } from '../../common/http/transforms';

export class ListUsersQuery extends PageQuery {
  /** Matches a substring of the email or display name, ignoring case. */
  @IsOptional()
  @Transform(trim)
  @MaxLength(320)
  @IsString()
  search?: string;
}
