package io.potok.broker.group;

/**
 * Who sent a group request and in which API version. Immutable.
 *
 * @param clientHost the client's address as Kafka shows it in DescribeGroups ("/127.0.0.1")
 */
public record RequestContext(short apiVersion, String clientId, String clientHost) {
}
