// Setup file of the e2e-postgres project: every app of the suite runs on PostgreSQL with Redis.
process.env.BASTION_E2E_TARGET = 'postgres';
