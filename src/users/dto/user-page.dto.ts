import { UserResponseDto } from './user-response.dto';

export class UserPageDto {
  items: UserResponseDto[];
  /** How many users match, over all pages. */
  total: number;
  page: number;
  limit: number;
}
