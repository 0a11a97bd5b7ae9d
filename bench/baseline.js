// The bare baseline for `npm run bench`: node:http + node:crypto, no framework, the same access-token format and
// checks as Bastion (RS256, header {alg, kid, typ: at+jwt}, claims iss sub aud iat nbf exp jti sid roles), users in
// memory. POST /login mints a token (no password hashing: it only exists to hand out tokens), GET /users/me and
// GET /verify verify the Bearer token with a KeyObject generated once at start.
//   PORT=4200 node bench/baseline.js
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';

const PORT = Number(process.env.PORT ?? 4200);
const HOST = process.env.HOST ?? '127.0.0.1';
const ISSUER = process.env.JWT_ISSUER ?? `http://127.0.0.1:${PORT}`;
const AUDIENCE = 'bastion-api';
const TTL = 900;
const CLOCK_TOLERANCE = 1;
const KID = randomUUID();
const ROLES = new Set(['admin', 'user']);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = new Map([[KID, publicKey]]);
const usersById = new Map();
const usersByEmail = new Map();
const endedSessions = new Set();

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'RS256', kid: KID, typ: 'at+jwt' });

function mint(user) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    sub: user.id,
    aud: AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + TTL,
    jti: randomUUID(),
    sid: randomUUID(),
    roles: user.roles,
  };
  const input = `${HEADER}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const isId = (value) => typeof value === 'string' && value.length > 0;
const isInt = (value) => Number.isSafeInteger(value);

/** The verified claims of the request's Bearer token, or null. */
function authenticate(req) {
  const authorization = req.headers.authorization;
  if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) {
    return null;
  }
  const token = authorization.slice(7);
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) {
    return null;
  }
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString());
    claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString());
  } catch {
    return null;
  }
  if (header === null || typeof header !== 'object' || header.alg !== 'RS256') {
    return null;
  }
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'at+jwt') {
    return null;
  }
  for (const member of Object.keys(header)) {
    if (member !== 'alg' && member !== 'kid' && member !== 'typ') {
      return null;
    }
  }
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (key === undefined) {
    return null;
  }
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  if (!verify('sha256', Buffer.from(token.slice(0, second)), key, signature)) {
    return null;
  }
  if (claims === null || typeof claims !== 'object') {
    return null;
  }
  if (!isId(claims.sub) || !isId(claims.sid) || !isId(claims.jti)) {
    return null;
  }
  if (!isInt(claims.iat) || !isInt(claims.nbf) || !isInt(claims.exp)) {
    return null;
  }
  if (claims.exp - claims.iat > TTL) {
    return null;
  }
  if (!Array.isArray(claims.roles) || claims.roles.length === 0 || !claims.roles.every((r) => ROLES.has(r))) {
    return null;
  }
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE) {
    return null;
  }
  const now = Date.now() / 1000;
  if (claims.exp + CLOCK_TOLERANCE <= now || claims.nbf - CLOCK_TOLERANCE > now) {
    return null;
  }
  if (endedSessions.has(claims.sid)) {
    return null;
  }
  return claims;
}

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const unauthorized = (res) => send(res, 401, { type: 'about:blank', title: 'Unauthorized', status: 401 });

function login(req, res) {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > 102400) {
      req.destroy();
    } else {
      chunks.push(chunk);
    }
  });
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return send(res, 400, { type: 'about:blank', title: 'Bad Request', status: 400 });
    }
    if (body === null || typeof body.email !== 'string' || typeof body.password !== 'string') {
      return send(res, 400, { type: 'about:blank', title: 'Bad Request', status: 400 });
    }
    const email = body.email.trim().toLowerCase();
    let user = usersByEmail.get(email);
    if (user === undefined) {
      const now = new Date().toISOString();
      user = {
        id: randomUUID(),
        email,
        displayName: null,
        roles: ['user'],
        emailVerified: false,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      };
      usersById.set(user.id, user);
      usersByEmail.set(email, user);
    }
    send(res, 200, { accessToken: mint(user), tokenType: 'Bearer', expiresIn: TTL });
  });
}

const server = createServer((req, res) => {
  const path = req.url;
  if (req.method === 'GET' && path === '/users/me') {
    const claims = authenticate(req);
    const user = claims && usersById.get(claims.sub);
    return user ? send(res, 200, user) : unauthorized(res);
  }
  if (req.method === 'GET' && path === '/verify') {
    const claims = authenticate(req);
    if (!claims) {
      return unauthorized(res);
    }
    res.setHeader('x-auth-user-id', claims.sub);
    res.setHeader('x-auth-roles', claims.roles.join(','));
    res.setHeader('x-auth-session-id', claims.sid);
    return send(res, 200, { sub: claims.sub, sid: claims.sid, roles: claims.roles, exp: claims.exp });
  }
  if (req.method === 'POST' && path === '/login') {
    return login(req, res);
  }
  if (req.method === 'GET' && path === '/health') {
    return send(res, 200, { status: 'ok' });
  }
  send(res, 404, { type: 'about:blank', title: 'Not Found', status: 404 });
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
