package io.crashfree.releases.registry;

/** {@link ReleaseRegistryTest} against the real PostgreSQL ({@code io.crashfree.releases.store.TestPostgres}). */
class ReleaseRegistryOnPostgresTest extends ReleaseRegistryTest
{
    @Override
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.POSTGRESQL;
    }
}
