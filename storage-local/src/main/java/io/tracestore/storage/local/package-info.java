/**
 * {@link io.tracestore.spi.ObjectStore} on a local directory: {@link
 * io.tracestore.storage.local.LocalObjectStore}.
 */
package io.tracestore.storage.local;
