import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/env-file';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';
import { withPostgresTimestamps } from './postgres-timestamps';

// The migration CLI's entry point: the same options as the app, from the same validated DATABASE_URL.
loadEnvFile(process.env);
export default withPostgresTimestamps(new DataSource(dataSourceOptions(loadConfig(process.env).database)));
