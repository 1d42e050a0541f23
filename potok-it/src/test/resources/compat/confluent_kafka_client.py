#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) scenarios for Potok's compatibility tests.

Run by io.potok.it.compat.ConfluentKafkaPythonCompatTest with Debian's /usr/bin/python3
(package python3-confluent-kafka). Usage:

    confluent_kafka_client.py BOOTSTRAP SCENARIO ARGS...

Each scenario prints plain facts, one per line, words separated by single spaces; the Java test
asserts on them. Errors are printed as lines too (never raised), so the test sees what the client
saw. Every blocking call has a timeout so a broker that never answers cannot hang the test.

Scenarios:
    versions                      client and librdkafka versions
    admin TOPIC PARTITIONS        create_topics, list_topics, create again, delete_topics, list again
    produce TOPIC PARTITIONS N    N keyed messages round-robin over the partitions, delivery callbacks
    consume TOPIC PARTITIONS N START
                                  assign() every partition at START (beginning | 0) and read N messages
"""
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

TIMEOUT_S = 15
CONSUME_S = 10


def out(*words):
    print(" ".join(str(w) for w in words), flush=True)


def base(bootstrap):
    return {
        "bootstrap.servers": bootstrap,
        "client.id": "potok-compat-python",
        "socket.timeout.ms": 10000,
        "broker.address.family": "v4",
        # librdkafka's protocol log goes to stderr: the Java test reads which requests went unanswered.
        "debug": "protocol",
    }


def error_name(e):
    if isinstance(e, KafkaException):
        e = e.args[0]
    if hasattr(e, "name"):
        return e.name()
    return type(e).__name__ + ":" + str(e).replace(" ", "_")


def list_topic(admin, topic):
    md = admin.list_topics(timeout=TIMEOUT_S)
    t = md.topics.get(topic)
    if t is None:
        out("listed", topic, "absent")
        return
    out("listed", topic, "partitions", len(t.partitions), "error", t.error.name() if t.error else "NONE")
    for p in sorted(t.partitions.values(), key=lambda p: p.id):
        out("partition", topic, p.id, "leader", p.leader, "replicas", ",".join(map(str, p.replicas)),
            "isrs", ",".join(map(str, p.isrs)))
    out("brokers", ",".join("%d@%s:%d" % (b.id, b.host, b.port) for b in md.brokers.values()))


def admin(bootstrap, topic, partitions):
    a = AdminClient(base(bootstrap))
    for attempt in ("create", "create-again"):
        fs = a.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)],
                             operation_timeout=10, request_timeout=TIMEOUT_S)
        try:
            fs[topic].result(timeout=TIMEOUT_S)
            out(attempt, topic, "NONE")
        except Exception as e:  # noqa: BLE001 - the test asserts on the error name
            out(attempt, topic, error_name(e))
        if attempt == "create":
            list_topic(a, topic)
    fs = a.delete_topics([topic], operation_timeout=10, request_timeout=TIMEOUT_S)
    try:
        fs[topic].result(timeout=TIMEOUT_S)
        out("delete", topic, "NONE")
    except Exception as e:  # noqa: BLE001
        out("delete", topic, error_name(e))
    # Deletion is asynchronous in Kafka: give the metadata a moment, as a user would.
    deadline = time.time() + 10
    while time.time() < deadline and topic in a.list_topics(timeout=TIMEOUT_S).topics:
        time.sleep(0.2)
    list_topic(a, topic)


def produce(bootstrap, topic, partitions, n):
    partitions, n = int(partitions), int(n)
    conf = base(bootstrap)
    conf.update({"acks": "all", "linger.ms": 5, "message.timeout.ms": 20000, "enable.idempotence": True})
    p = Producer(conf)

    def on_delivery(err, msg):
        if err is not None:
            out("failed", msg.topic(), msg.partition(), msg.key().decode(), error_name(err))
        else:
            out("delivered", msg.topic(), msg.partition(), msg.offset(), msg.key().decode(),
                msg.value().decode())

    for i in range(n):
        p.produce(topic, key=("k%d" % i).encode(), value=("v%d" % i).encode(), partition=i % partitions,
                  headers=[("h", ("x%d" % i).encode())], on_delivery=on_delivery)
        p.poll(0)
    left = p.flush(TIMEOUT_S)
    out("undelivered", left)


def consume(bootstrap, topic, partitions, n, start):
    partitions, n = int(partitions), int(n)
    conf = base(bootstrap)
    # librdkafka refuses a consumer without group.id even for assign(); nothing is committed.
    conf.update({"group.id": "potok-compat-python-assign", "enable.auto.commit": False,
                 "enable.auto.offset.store": False, "auto.offset.reset": "error",
                 "enable.partition.eof": True})
    c = Consumer(conf)
    offset = confluent_kafka.OFFSET_BEGINNING if start == "beginning" else int(start)
    c.assign([TopicPartition(topic, p, offset) for p in range(partitions)])
    got, eof = 0, set()
    deadline = time.time() + CONSUME_S
    while time.time() < deadline and (got < n or len(eof) < partitions):
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == confluent_kafka.KafkaError._PARTITION_EOF:
                eof.add(m.partition())
            else:
                out("error", m.topic(), m.partition(), error_name(m.error()))
            continue
        got += 1
        headers = ",".join("%s=%s" % (k, v.decode()) for k, v in (m.headers() or []))
        out("message", m.topic(), m.partition(), m.offset(), m.key().decode(), m.value().decode(), headers)
    out("consumed", got, "eof", len(eof))
    c.close()


def main():
    bootstrap, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if scenario == "versions":
        out("confluent-kafka", confluent_kafka.version()[0], "librdkafka", confluent_kafka.libversion()[0])
    elif scenario == "admin":
        admin(bootstrap, *args)
    elif scenario == "produce":
        produce(bootstrap, *args)
    elif scenario == "consume":
        consume(bootstrap, *args)
    else:
        raise SystemExit("unknown scenario " + scenario)


if __name__ == "__main__":
    main()
