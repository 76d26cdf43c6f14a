import { loadConfig } from '../config/load-config';
import { buildOrmOptions } from './mikro-orm.options';

/** For the MikroORM CLI (`npx mikro-orm migration:create`), from the same environment as the app. */
const config = loadConfig(process.env);
export default buildOrmOptions({ url: config.databaseUrl, poolMax: 2 });
