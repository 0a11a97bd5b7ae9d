import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../decorators/public.decorator';
import { JwksDto } from './jwks.dto';
import { KeyRing } from './key-ring.service';

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keyRing: KeyRing) {}

  /**
   * Get the public signing keys (JWKS).
   *
   * @remarks The public keys that verify live access tokens, and the next key before it signs; empty under HS256.
   */
  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=60')
  getJwks(): JwksDto {
    return this.keyRing.publicJwks();
  }
}
