import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AppModule } from '../app.module';
import { Role } from '../common/role';
import { AUTH_DECLARED_KEY } from './decorators/auth.decorator';
import { IS_PUBLIC_KEY } from './decorators/public.decorator';
import { ROLES_KEY } from './decorators/roles.decorator';

type Class = abstract new (...args: never[]) => unknown;

interface Route {
  /** e.g. `GET users/:id`, as the controller declares it (without the global prefix). */
  name: string;
  path: string;
  isPublic: boolean;
  declaresAuth: boolean;
  roles: Role[];
}

/** Every controller of the module graph, following imports of module classes and of dynamic modules. */
function controllersOf(root: Class): Class[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Class>();
  const visit = (entry: unknown): void => {
    if (!entry || seen.has(entry)) {
      return;
    }
    seen.add(entry);
    let imports: unknown[] | undefined;
    let declared: Class[] | undefined;
    if (typeof entry === 'function') {
      imports = Reflect.getMetadata(MODULE_METADATA.IMPORTS, entry) as unknown[] | undefined;
      declared = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, entry) as Class[] | undefined;
    } else if (typeof entry === 'object' && 'forwardRef' in entry) {
      imports = [(entry as { forwardRef: () => unknown }).forwardRef()];
    } else if (typeof entry === 'object' && 'module' in entry) {
      const dynamic = entry as { module: Class; imports?: unknown[]; controllers?: Class[] };
      imports = [dynamic.module, ...(dynamic.imports ?? [])];
      declared = dynamic.controllers;
    }
    declared?.forEach((controller) => controllers.add(controller));
    imports?.forEach(visit);
  };
  visit(root);
  return [...controllers];
}

function joinPath(...parts: (string | string[] | undefined)[]): string {
  return parts
    .map((part) => (Array.isArray(part) ? part[0] : part) ?? '')
    .join('/')
    .split('/')
    .filter(Boolean)
    .join('/');
}

function routesOf(controller: Class): Route[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const controllerPath = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
  const classMetadata = <T>(key: string): T | undefined => Reflect.getMetadata(key, controller) as T | undefined;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
    .map((name) => prototype[name] as object)
    .filter((handler) => Reflect.hasMetadata(PATH_METADATA, handler) && Reflect.hasMetadata(METHOD_METADATA, handler))
    .map((handler) => {
      // The guards read handler metadata first, then the class: getAllAndOverride([handler, class]).
      const metadata = <T>(key: string): T | undefined =>
        (Reflect.getMetadata(key, handler) as T | undefined) ?? classMetadata<T>(key);
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = joinPath(controllerPath, Reflect.getMetadata(PATH_METADATA, handler) as string | string[]);
      return {
        name: `${method} ${path}`,
        path,
        isPublic: metadata<boolean>(IS_PUBLIC_KEY) === true,
        declaresAuth: metadata<boolean>(AUTH_DECLARED_KEY) === true,
        roles: metadata<Role[]>(ROLES_KEY) ?? [],
      };
    });
}

function isAdminPath(path: string): boolean {
  const [first, second] = path.split('/');
  return (first === 'users' && second !== 'me') || first === 'admin';
}

describe('route authentication', () => {
  const routes = controllersOf(AppModule).flatMap(routesOf);

  it('should find every route of the app', () => {
    expect(routes.map((route) => route.name).sort()).toEqual([
      'DELETE auth/mfa/totp',
      'DELETE auth/sessions/:id',
      'DELETE users/:id',
      'DELETE users/me',
      'GET .well-known/jwks.json',
      'GET .well-known/oauth-authorization-server',
      'GET .well-known/openid-configuration',
      'GET admin/audit',
      'GET auth/sessions',
      'GET auth/verify',
      'GET health',
      'GET health/live',
      'GET metrics',
      'GET users',
      'GET users/:id',
      'GET users/me',
      'PATCH users/:id',
      'PATCH users/me',
      'POST admin/keys/rotate',
      'POST auth/email/resend',
      'POST auth/email/verify',
      'POST auth/login',
      'POST auth/logout',
      'POST auth/logout-all',
      'POST auth/mfa/recovery-codes',
      'POST auth/mfa/totp/confirm',
      'POST auth/mfa/totp/setup',
      'POST auth/mfa/verify',
      'POST auth/password',
      'POST auth/password/forgot',
      'POST auth/password/reset',
      'POST auth/refresh',
      'POST auth/register',
    ]);
    expect(routes).toHaveLength(33);
  });

  it('should have every route declare either @Public() or @Auth()', () => {
    const undeclared = routes.filter((route) => !route.isPublic && !route.declaresAuth).map((route) => route.name);

    expect(undeclared).toEqual([]);
  });

  it('should have no route declare both @Public() and @Auth()', () => {
    const both = routes.filter((route) => route.isPublic && route.declaresAuth).map((route) => route.name);

    expect(both).toEqual([]);
  });

  it('should need the admin role on every admin route', () => {
    const adminRoutes = routes.filter((route) => isAdminPath(route.path));
    const unguarded = adminRoutes.filter((route) => !route.roles.includes(Role.Admin)).map((route) => route.name);

    expect(adminRoutes.length).toBeGreaterThanOrEqual(6);
    expect(unguarded).toEqual([]);
  });

  it.each(['POST admin/keys/rotate', 'GET admin/audit'])('should need the admin role on %s', (name) => {
    const route = routes.find((candidate) => candidate.name === name);

    expect(route).toMatchObject({ isPublic: false, declaresAuth: true });
    expect(route?.roles).toContain(Role.Admin);
  });

  it.each([
    'POST auth/logout',
    'POST auth/logout-all',
    'POST auth/password',
    'GET auth/verify',
    'GET auth/sessions',
    'DELETE auth/sessions/:id',
    'POST auth/mfa/totp/setup',
    'POST auth/mfa/totp/confirm',
    'DELETE auth/mfa/totp',
    'POST auth/mfa/recovery-codes',
  ])('should need a valid access token, and no role, on %s', (name) => {
    const route = routes.find((candidate) => candidate.name === name);

    expect(route).toMatchObject({ isPublic: false, declaresAuth: true, roles: [] });
  });

  it('should not open an admin route to the public', () => {
    expect(routes.filter((route) => isAdminPath(route.path) && route.isPublic).map((route) => route.name)).toEqual([]);
  });

  it('should keep the public routes to the ones the contract opens to anyone', () => {
    expect(
      routes
        .filter((route) => route.isPublic)
        .map((route) => route.name)
        .sort(),
    ).toEqual([
      'GET .well-known/jwks.json',
      'GET .well-known/oauth-authorization-server',
      'GET .well-known/openid-configuration',
      'GET health',
      'GET health/live',
      'GET metrics',
      'POST auth/email/resend',
      'POST auth/email/verify',
      'POST auth/login',
      'POST auth/mfa/verify',
      'POST auth/password/forgot',
      'POST auth/password/reset',
      'POST auth/refresh',
      'POST auth/register',
    ]);
  });
});
