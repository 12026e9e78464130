/**
 * The registry's configuration: dotted keys from {@code conf/crashfree.properties} (the edge passes the keys this
 * module owns), parsed at start-up into {@link io.crashfree.releases.config.RegistrySettings}, from which the
 * registry's context and the token authorizer are built. Keys are listed on
 * {@link io.crashfree.releases.config.RegistrySettingsParser}. A bad value stops start-up with a
 * {@link io.crashfree.releases.config.RegistryConfigException} naming the key and the value.
 */
package io.crashfree.releases.config;
