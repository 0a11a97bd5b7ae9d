import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { Public } from '../decorators/public.decorator';
import { AuthorizationServerMetadataDto, toAuthorizationServerMetadata } from './authorization-server-metadata.dto';

/** Where resource-server libraries that take an issuer URL find the keys; both documents are the same. */
@ApiTags('keys')
@Controller('.well-known')
export class DiscoveryController {
  private readonly metadata: AuthorizationServerMetadataDto;

  constructor(config: AppConfig) {
    this.metadata = toAuthorizationServerMetadata(config.jwt);
  }

  /**
   * Get the authorization-server metadata.
   *
   * @remarks RFC 8414 metadata: the issuer and where its keys are; Bastion lists no OAuth endpoint, since it has
   * none.
   */
  @Get('oauth-authorization-server')
  @Public()
  @Header('Cache-Control', 'public, max-age=60')
  getAuthorizationServerMetadata(): AuthorizationServerMetadataDto {
    return this.metadata;
  }

  /**
   * Get the OpenID discovery metadata.
   *
   * @remarks The same metadata where OpenID Connect discovery looks; Bastion is not an OpenID Provider (no ID
   * tokens).
   */
  @Get('openid-configuration')
  @Public()
  @Header('Cache-Control', 'public, max-age=60')
  getOpenidConfiguration(): AuthorizationServerMetadataDto {
    return this.metadata;
  }
}
