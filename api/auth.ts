/**
 * Sign-in (passport-local, bcrypt) and bearer-token authentication (passport-jwt). The organization
 * of every request comes from the verified token, never from the client.
 */
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import koaPassport from 'koa-passport';
import type { Next } from 'koa';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as LocalStrategy } from 'passport-local';
import { User } from '../db/entities/index.js';
import { type Orm, TENANT_FILTER } from '../db/orm.js';
import type { AppContext, Principal } from './context.js';
import { AppError, unauthorized } from './errors.js';

const ISSUER = 'lintas';
const AUDIENCE = 'lintas-api';

export interface AuthDeps {
  orm: Orm;
  jwtSecret: string;
  jwtTtlMs: number;
  bcryptCost: number;
}

interface TokenClaims {
  sub: string;
  org: string;
}

/** Hashes a password with the configured bcrypt cost. */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function createAuth(deps: AuthDeps) {
  const passport = new koaPassport.KoaPassport();
  // Compared against when the e-mail is unknown, so a miss costs the same time as a wrong password.
  const dummyHash = bcrypt.hashSync('lintas-timing-equaliser', deps.bcryptCost);

  async function principalFor(userId: string, orgId: string): Promise<Principal | null> {
    const em = deps.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId });
    const user = await em.findOne(User, { id: userId, active: true }, { populate: ['organization'] });
    if (!user) return null;
    return {
      userId: user.id,
      orgId: user.organization.id,
      orgSlug: user.organization.slug,
      role: user.role,
      email: user.email,
    };
  }

  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', session: false },
      (email, password, done) => {
        void (async () => {
          const em = deps.orm.em.fork();
          // Sign-in is the one place a user is looked up before the organization is known.
          const user = await em.findOne(
            User,
            { email: email.toLowerCase() },
            { filters: { [TENANT_FILTER]: false }, populate: ['passwordHash', 'organization'] },
          );
          const ok = await bcrypt.compare(password, user?.passwordHash ?? dummyHash);
          if (!user || !ok || !user.active) return done(null, false);
          return done(null, (await principalFor(user.id, user.organization.id)) ?? false);
        })().catch(done);
      },
    ),
  );

  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: deps.jwtSecret,
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      },
      (claims: TokenClaims, done: (err: unknown, user?: Principal | false) => void) => {
        if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') return done(null, false);
        principalFor(claims.sub, claims.org).then((p) => done(null, p ?? false), done);
      },
    ),
  );

  function issueToken(p: Principal): { accessToken: string; tokenType: 'Bearer'; expiresIn: number } {
    const expiresIn = Math.floor(deps.jwtTtlMs / 1000);
    const accessToken = jwt.sign({ org: p.orgId, role: p.role }, deps.jwtSecret, {
      subject: p.userId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn,
      algorithm: 'HS256',
    });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }

  /** Middleware: verifies the bearer token and scopes an EntityManager to the caller's organization. */
  async function authenticate(ctx: AppContext, next: Next): Promise<void> {
    const principal = await new Promise<Principal | false>((resolve, reject) => {
      void passport.authenticate('jwt', { session: false }, (err: unknown, user: Principal | false) =>
        err ? reject(err) : resolve(user),
      )(ctx, async () => undefined);
    });
    if (!principal) throw unauthorized('A valid bearer token is required');
    const em = deps.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: principal.orgId });
    ctx.state.principal = principal;
    ctx.state.em = em;
    await next();
  }

  /** Checks e-mail and password; returns the principal or throws 401 without saying which was wrong. */
  async function login(ctx: AppContext): Promise<Principal> {
    const principal = await new Promise<Principal | false>((resolve, reject) => {
      void passport.authenticate('local', { session: false }, (err: unknown, user: Principal | false) =>
        err ? reject(err) : resolve(user),
      )(ctx, async () => undefined);
    });
    if (!principal) throw new AppError(401, 'invalid_credentials', 'The e-mail or password is wrong');
    return principal;
  }

  return { authenticate, login, issueToken };
}

export type Auth = ReturnType<typeof createAuth>;
