import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

// The migration CLI's entry point: the same options as the app, from the same validated DATABASE_URL.
export default new DataSource(dataSourceOptions(loadConfig(process.env).database));
