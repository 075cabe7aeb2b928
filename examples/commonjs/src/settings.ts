/** The host's configuration, from its environment (a real app might use @nestjs/config). */
const port = Number(process.env.PORT ?? 3000);

export const settings = {
  projectId: process.env.MAGIC_LINKS_PROJECT_ID ?? 'project-test-00000000-0000-4000-8000-000000000000',
  secret: process.env.MAGIC_LINKS_SECRET ?? 'secret-test-example-host-only-never-in-production',
  publicUrl: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
  redirectUrl: process.env.REDIRECT_URL ?? `http://localhost:${port}/authenticate`,
  database: process.env.DATABASE ?? './data/app.sqlite',
  outboxDir: process.env.OUTBOX_DIR ?? './data/outbox',
};
