package org.smartguard.gateway.hygiene;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body on its way upstream, failed with {@link BodyTooLarge} once more than {@code maxBytes} have passed.
 * Needed for chunked bodies, whose size nobody declares; the proxy then resets the upstream request, so the service
 * never sees a whole oversized body.
 */
public final class BodySizeLimit implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final long maxBytes;
    private long seen;
    private boolean exceeded;
    private Handler<Throwable> exceptionHandler;

    public BodySizeLimit(ReadStream<Buffer> source, long maxBytes) {
        this.source = source;
        this.maxBytes = maxBytes;
    }

    /** The body was larger than the limit. */
    public static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge(long maxBytes) {
            super("the request body is larger than " + maxBytes + " bytes", null, false, false);
        }
    }

    @Override
    public BodySizeLimit handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(buffer -> {
            if (exceeded) {
                return;
            }
            seen += buffer.length();
            if (seen > maxBytes) {
                exceeded = true;
                source.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new BodyTooLarge(maxBytes));
                }
                return;
            }
            handler.handle(buffer);
        });
        return this;
    }

    @Override
    public BodySizeLimit exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public BodySizeLimit pause() {
        source.pause();
        return this;
    }

    @Override
    public BodySizeLimit resume() {
        if (!exceeded) {
            source.resume();
        }
        return this;
    }

    @Override
    public BodySizeLimit fetch(long amount) {
        if (!exceeded) {
            source.fetch(amount);
        }
        return this;
    }

    @Override
    public BodySizeLimit endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler == null ? null : ended -> {
            if (!exceeded) {
                endHandler.handle(ended);
            }
        });
        return this;
    }
}
