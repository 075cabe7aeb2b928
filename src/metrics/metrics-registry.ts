import { Inject } from '@nestjs/common';

/**
 * The prom-client `Registry` holding the module's metrics: `metrics.registry` when the host passed its own, else
 * one the module made. A host serves it, or merges it into its own with `Registry.merge([...])`.
 */
export const MAGIC_LINKS_METRICS_REGISTRY = Symbol('MAGIC_LINKS_METRICS_REGISTRY');

export const InjectMetricsRegistry = (): ParameterDecorator => Inject(MAGIC_LINKS_METRICS_REGISTRY);
