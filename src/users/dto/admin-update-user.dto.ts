import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEnum, IsOptional } from 'class-validator';
import { PartialType } from '@nestjs/swagger';
import { Role } from '../../common/role';
import { UpdateMeDto } from './update-me.dto';

export class AdminUpdateUserDto extends PartialType(UpdateMeDto) {
  /**
   * The complete new set of roles; a change ends the user's sessions.
   * @example ['user', 'admin']
   */
  @IsOptional()
  @ArrayUnique()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsEnum(Role, { each: true })
  @IsArray()
  roles?: Role[];

  /**
   * `true` disables the account and ends its sessions.
   * @example false
   */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
