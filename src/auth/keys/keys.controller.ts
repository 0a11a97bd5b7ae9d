import { Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '../../common/role';
import { Auth } from '../decorators/auth.decorator';
import type { AuthUser } from '../decorators/auth-user';
import { CurrentUser } from '../decorators/current-user.decorator';
import { RotatedKeyDto } from './rotated-key.dto';
import { KeyRotationService } from './key-rotation.service';

@ApiTags('admin')
@Controller('admin/keys')
export class KeysController {
  constructor(private readonly rotation: KeyRotationService) {}

  /**
   * Rotate the signing keys.
   *
   * @remarks The published next key signs from now on, and a new next key is published; older keys keep verifying.
   */
  @Post('rotate')
  @Auth(Role.Admin)
  @ApiCreatedResponse({ type: RotatedKeyDto })
  async rotateKeys(@CurrentUser() caller: AuthUser): Promise<RotatedKeyDto> {
    return { kid: await this.rotation.rotate({ actorId: caller.id, via: 'api' }) };
  }
}
