// A service that accepts Bastion's access tokens in the two ways the README compares.
import express from 'express';
import { auth, UnauthorizedError } from 'express-oauth2-jwt-bearer';

const issuer = required('BASTION_ISSUER');
const audience = process.env.BASTION_AUDIENCE ?? 'bastion-api';
// Same rule as Bastion's jwks_uri: the issuer URL is where Bastion answers.
const verifyUrl = `${issuer.replace(/\/+$/, '')}/api/v1/auth/verify`;
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';

// Local verification: the keys come from the jwks_uri of <issuer>/.well-known/openid-configuration and are cached.
// strict: the RFC 9068 profile (typ at+jwt; iat, sub, client_id and jti present), which Bastion's tokens follow.
// cacheMaxAge as Bastion's Cache-Control: a key revoked there stops verifying here within a minute, not ten.
const verifyLocally = auth({ issuerBaseURL: issuer, audience, strict: true, cacheMaxAge: 60_000 });

// Asking Bastion: one call per request, and a logged-out session or disabled user is refused at once.
async function verifyWithBastion(req, res, next) {
  const authorization = req.get('authorization');
  if (!authorization) {
    return next(new UnauthorizedError());
  }
  let answer;
  try {
    answer = await fetch(verifyUrl, { headers: { authorization }, signal: AbortSignal.timeout(2000) });
  } catch {
    return res.status(503).json({ error: 'token check unavailable' });
  }
  if (answer.status === 401) {
    return next(new UnauthorizedError());
  }
  if (answer.status !== 200) {
    // Never let a request through on an answer we do not understand.
    return res.status(503).json({ error: 'token check unavailable' });
  }
  req.auth = { payload: await answer.json() };
  next();
}

const app = express();
app.disable('x-powered-by');

app.get('/whoami/local', verifyLocally, (req, res) => {
  res.json({ via: 'local', sub: req.auth.payload.sub, roles: req.auth.payload.roles });
});

app.get('/whoami/remote', verifyWithBastion, (req, res) => {
  res.json({ via: 'remote', sub: req.auth.payload.sub, roles: req.auth.payload.roles });
});

// The library's messages name the failed check, never the token; the answer carries no detail beyond its code.
app.use((error, _req, res, _next) => {
  if (error instanceof UnauthorizedError) {
    return res
      .status(error.status)
      .set(error.headers)
      .json({ error: error.code ?? 'unauthorized' });
  }
  console.error('request failed:', error.name);
  res.status(500).json({ error: 'internal error' });
});

const server = app.listen(port, host, () => {
  console.log(`resource server listening on http://${host}:${server.address().port}`);
});

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required, e.g. ${name}=https://auth.example.org`);
    process.exit(1);
  }
  return value;
}
