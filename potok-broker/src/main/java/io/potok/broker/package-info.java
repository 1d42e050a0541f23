/** Broker. */
package io.potok.broker;
