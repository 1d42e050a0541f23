/** Metadata image and records. */
package io.potok.metadata;
