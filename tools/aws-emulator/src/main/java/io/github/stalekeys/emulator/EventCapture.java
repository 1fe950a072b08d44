package io.github.stalekeys.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Sees the events put on the emulator's default event bus: an EventBridge rule matching one source sends them to
 * an SQS queue, which {@link #events()} drains, as a real account would route them. Create it after the last
 * {@link AwsEmulator#reset()}, which forgets rules and queues.
 */
public final class EventCapture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final EventBridgeClient events;
    private final String queueUrl;

    private EventCapture(SqsClient sqs, EventBridgeClient events, String queueUrl) {
        this.sqs = sqs;
        this.events = events;
        this.queueUrl = queueUrl;
    }

    /** Captures every event of {@code source} on the default bus from now on. */
    public static EventCapture of(AwsEmulator emulator, String source) {
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(emulator.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        EventBridgeClient events = EventBridgeClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(emulator.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        String name = "captured-" + source.replaceAll("[^A-Za-z0-9-]", "-");
        String queueUrl = sqs.createQueue(q -> q.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings()
                .get("QueueArn");
        events.putRule(r -> r.name(name).eventPattern("{\"source\":[\"" + source + "\"]}"));
        events.putTargets(t -> t.rule(name).targets(target -> target.id("queue").arn(queueArn)));
        return new EventCapture(sqs, events, queueUrl);
    }

    /** The events delivered since the last call, each the whole EventBridge envelope ({@code detail} inside). */
    public List<JsonNode> events() {
        List<JsonNode> received = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(
                            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10))
                    .messages();
            if (messages.isEmpty()) {
                return received;
            }
            for (Message message : messages) {
                try {
                    received.add(JSON.readTree(message.body()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the queue holds a message that is not JSON", e);
                }
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    @Override
    public void close() {
        sqs.close();
        events.close();
    }
}
