import { defineEntity, p } from '@mikro-orm/core';

/** The installation's identity, made at its first start: one row, whose fixed key keeps it single. */
export const InstallationSchema = defineEntity({
  name: 'Installation',
  tableName: 'installation',
  properties: {
    key: p.string().length(8).primary(),
    installationId: p.string().length(36),
    installationDate: p.datetime(),
  },
});

export class Installation extends InstallationSchema.class {}
InstallationSchema.setClass(Installation);

export const INSTALLATION_KEY = 'this';
