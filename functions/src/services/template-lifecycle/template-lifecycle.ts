import type { Services } from '../create-services.js';
import { InlineMigrationDriver, type MigrationDriver } from './migration-driver.js';
import { TemplateConsole } from './template-console.js';
import { UpgradeService } from './upgrade-service.js';

export interface TemplateLifecycle {
  readonly console: TemplateConsole;
  readonly upgrades: UpgradeService;
  readonly driver: MigrationDriver;
}

const instances = new WeakMap<Services, TemplateLifecycle>();

/**
 * The lifecycle services for one `Services` instance, built on first use and
 * sharing its store, catalog and config cache. Kept beside `createServices`
 * rather than inside it so this feature plugs in without touching the core
 * wiring.
 *
 * Who drives migrations: the driver the wiring passed to `createServices`
 * (deployed: a Cloud Task per slice, adapters/task-queue-migration-driver.ts);
 * otherwise (embedded runtime, tests) an in-process background loop. Tests that drive batches themselves call
 * `configureTemplateLifecycle(services, { driver })` first.
 */
export function templateLifecycleFor(services: Services): TemplateLifecycle {
  let lifecycle = instances.get(services);
  if (!lifecycle) {
    lifecycle = buildLifecycle(services, defaultDriver(services));
    instances.set(services, lifecycle);
  }
  return lifecycle;
}

export function configureTemplateLifecycle(services: Services, { driver }: { driver: MigrationDriver }): TemplateLifecycle {
  const lifecycle = buildLifecycle(services, driver);
  instances.set(services, lifecycle);
  return lifecycle;
}

function buildLifecycle(services: Services, driver: MigrationDriver): TemplateLifecycle {
  const { store, catalog, configs } = services;
  return {
    console: new TemplateConsole({ store, catalog }),
    upgrades: new UpgradeService({ store, catalog, configs, driver }),
    driver,
  };
}

function defaultDriver(services: Services): MigrationDriver {
  // The embedded MemoryStore belongs to this one process: no other instance can create records with a stale config.
  return services.ports.migrationDriver?.(services.store) ?? new InlineMigrationDriver(services.store);
}
