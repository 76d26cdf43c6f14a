import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, redactUrl } from './load-config';

describe('configuration', () => {
  it('needs no environment at all: the defaults run on a local MariaDB and Redis', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'mysql://root@127.0.0.1:3306/clientele',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'clientele',
      port: 3000,
      metricsPort: 9464,
      processRole: 'all',
      adminUsername: 'admin',
      adminPassword: undefined,
      bulkChunkSize: 200,
    });
  });

  it('reads every kind of value', () => {
    const config = loadConfig({
      PORT: '8080',
      METRICS_PORT: '0',
      PROCESS_ROLE: 'worker',
      TRUST_PROXY: 'yes',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
      BULK_CHUNK_SIZE: '50',
    });
    expect(config).toMatchObject({
      port: 8080,
      metricsPort: 0,
      processRole: 'worker',
      trustProxy: true,
      webhookAllowPrivateTargets: false,
      bulkChunkSize: 50,
    });
  });

  it('reads Redis Sentinels and Cluster nodes as host:port lists', () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380',
        REDIS_SENTINEL_NAME: 'main',
      }),
    ).toMatchObject({
      redisSentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
      ],
      redisSentinelName: 'main',
      redisClusterNodes: [],
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '[::1]:7000' }).redisClusterNodes).toEqual([
      { host: '::1', port: 7000 },
    ]);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })).toThrow(
      /REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both/,
    );
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1,b' })).toThrow(/REDIS_SENTINELS must be/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:70000' })).toThrow(
      /REDIS_CLUSTER_NODES must be/,
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ADMIN_PASSWORD: '', PORT: '' })).toMatchObject({
      adminPassword: undefined,
      port: 3000,
    });
  });

  it('reports every bad value at once, with the variable name and what it should be', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        PROCESS_ROLE: 'both',
        DATABASE_URL: 'postgres://x@y/z',
        REDIS_URL: 'not a url',
        REDIS_PREFIX: 'has space',
        TRUST_PROXY: 'maybe',
        ADMIN_PASSWORD: 'short',
        SECRET_ENCRYPTION_KEY: 'abc',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'PROCESS_ROLE',
      'DATABASE_URL',
      'REDIS_URL',
      'REDIS_PREFIX',
      'TRUST_PROXY',
      'ADMIN_PASSWORD',
      'SECRET_ENCRYPTION_KEY',
    ]) {
      expect(problems).toContain(name);
    }
    expect(problems).toContain('PROCESS_ROLE must be one of all, api, worker, got "both"');
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['METRICS_PORT', '65536'],
    ['BULK_CHUNK_SIZE', '0'],
    ['WORKER_CONCURRENCY', '1.5'],
    ['TOKEN_TTL_SECONDS', '10'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });

  describe('with NODE_ENV=production', () => {
    const KEY = 'ab'.repeat(32);

    it('refuses to start without SECRET_ENCRYPTION_KEY, in one line that says what to set', () => {
      let error: unknown;
      try {
        loadConfig({ NODE_ENV: 'production' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { problems } = error as ConfigError;
      expect(problems).toHaveLength(1);
      expect(problems[0]).not.toContain('\n');
      expect(problems[0]).toMatch(
        /^SECRET_ENCRYPTION_KEY is required with NODE_ENV=production .*openssl rand -hex 32/,
      );
    });

    it('refuses an empty SECRET_ENCRYPTION_KEY the same way', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', SECRET_ENCRYPTION_KEY: '' })).toThrow(
        /SECRET_ENCRYPTION_KEY is required with NODE_ENV=production/,
      );
    });

    it('starts with a key', () => {
      expect(
        loadConfig({ NODE_ENV: 'production', SECRET_ENCRYPTION_KEY: KEY }).secretEncryptionKey,
      ).toBe(KEY);
    });

    it('still checks the key is 64 hex digits', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', SECRET_ENCRYPTION_KEY: 'xyz' })).toThrow(
        /SECRET_ENCRYPTION_KEY must be 64 hex digits/,
      );
    });
  });

  it('starts without SECRET_ENCRYPTION_KEY outside production (development, tests, no NODE_ENV)', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'test' }])
      expect(loadConfig(env).secretEncryptionKey).toBeUndefined();
  });

  it('never prints a database password in its messages', () => {
    expect(redactUrl('mysql://app:s3cret@db:3306/clientele')).toBe(
      'mysql://app:***@db:3306/clientele',
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/x' })).toThrow(
      /app:\*\*\*@db/,
    );
  });
});

describe('.env.example', () => {
  const example = readFileSync(`${__dirname}/../../.env.example`, 'utf8');
  const listed = Object.fromEntries(
    example
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('lists every variable the configuration reads', () => {
    const source = readFileSync(`${__dirname}/load-config.ts`, 'utf8');
    const read = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((name) => !(name in listed))).toEqual([]);
  });

  it('holds values the configuration accepts, once the operator has generated a key', () => {
    // The example says NODE_ENV=production and leaves the key empty: each deployment makes its own.
    expect(() => loadConfig(listed)).toThrow(/SECRET_ENCRYPTION_KEY is required/);
    expect(() => loadConfig({ ...listed, SECRET_ENCRYPTION_KEY: 'ab'.repeat(32) })).not.toThrow();
  });
});
