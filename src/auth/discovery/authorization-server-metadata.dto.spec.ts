import type { AppConfig } from '../../config/app-config';
import { toAuthorizationServerMetadata } from './authorization-server-metadata.dto';

const JWT: AppConfig['jwt'] = {
  issuer: 'https://auth.example.org',
  audience: 'bastion-api',
  clientId: 'bastion',
  algorithm: 'ES256',
  clockToleranceSeconds: 1,
  accessTokenTtlSeconds: 900,
};

describe('toAuthorizationServerMetadata', () => {
  it('should name the issuer exactly as tokens carry it, and the keys beside it', () => {
    expect(toAuthorizationServerMetadata(JWT)).toMatchObject({
      issuer: 'https://auth.example.org',
      jwks_uri: 'https://auth.example.org/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });

  it.each([
    ['https://example.org/auth', 'https://example.org/auth/.well-known/jwks.json'],
    ['https://example.org/auth/', 'https://example.org/auth/.well-known/jwks.json'],
    ['https://auth.example.org/', 'https://auth.example.org/.well-known/jwks.json'],
  ])('should append the JWKS path to an issuer of %s, which keeps its own form', (issuer, jwksUri) => {
    expect(toAuthorizationServerMetadata({ ...JWT, issuer })).toMatchObject({ issuer, jwks_uri: jwksUri });
  });

  it('should claim no OAuth endpoint, flow or client authentication', () => {
    const metadata = toAuthorizationServerMetadata(JWT) as unknown as Record<string, unknown>;

    expect(metadata).toMatchObject({
      response_types_supported: [],
      grant_types_supported: [],
      token_endpoint_auth_methods_supported: [],
    });
    expect(Object.keys(metadata).filter((key) => key.endsWith('_endpoint'))).toEqual([]);
  });
});
