package dev.tsj.tun.netstack;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking view of a {@link TcpConnection} for use from any thread (a virtual thread
 * per connection is the intended pattern): an {@link InputStream} and an
 * {@link OutputStream} like a socket's. A read blocks until data arrives; a write blocks
 * until the bounded send buffer has taken every byte, so a slow peer slows the writer.
 * Each blocking call is one hop to the stack's loop and back, with no copy in between.
 */
public final class TcpStream implements Closeable, TcpHandler {
    private volatile TcpConnection conn;
    private volatile long readTimeoutNanos;

    private final ReentrantLock readLock = new ReentrantLock();
    private final Condition readDone = readLock.newCondition();
    private byte[] rBuf;
    private int rOff;
    private int rLen;
    private int rResult;
    private IOException rError;
    private boolean rComplete;
    /** Loop-side: a read found nothing and waits for onReadable. */
    private boolean rWaiting;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final Condition writeDone = writeLock.newCondition();
    private byte[] wBuf;
    private int wOff;
    private int wLen;
    private IOException wError;
    private boolean wComplete;
    private boolean wWaiting;

    private final Runnable readTask = this::tryRead;
    private final Runnable writeTask = this::tryWrite;
    private final Runnable cancelRead = () -> {
        if (rWaiting) completeRead(0, new SocketTimeoutException("read timed out"));
    };

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = TcpStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return TcpStream.this.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            TcpStream.this.close();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            TcpStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            TcpStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            TcpStream.this.close();
        }
    };

    private TcpStream() {}

    /** Connects through {@code stack}, blocking until the handshake completes or {@code timeout} passes. */
    public static TcpStream connect(NetStack stack, InetSocketAddress remote, Duration timeout) throws IOException {
        TcpStream s = new TcpStream();
        CompletableFuture<TcpConnection> f = stack.connect(remote, s);
        try {
            s.conn = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return s;
        } catch (TimeoutException e) {
            f.completeExceptionally(e); // aborts the attempt
            throw new SocketTimeoutException("connect to " + remote + " timed out after " + timeout);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("connect interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    /** Accepts a pending SYN and returns its stream; reads block until data arrives. */
    public static TcpStream accept(TcpAcceptRequest request) {
        TcpStream s = new TcpStream();
        s.conn = request.connection();
        request.accept(s);
        return s;
    }

    public InputStream getInputStream() {
        return in;
    }

    public OutputStream getOutputStream() {
        return out;
    }

    public TcpConnection connection() {
        return conn;
    }

    public InetSocketAddress localAddress() {
        return conn.localAddress();
    }

    public InetSocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    /** Makes reads give up with {@link SocketTimeoutException} after {@code timeout}; zero waits forever. */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeout.toNanos();
    }

    /** Reads like {@link InputStream#read(byte[], int, int)}. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        readLock.lock();
        try {
            rBuf = b;
            rOff = off;
            rLen = len;
            rComplete = false;
            rError = null;
            submit(readTask);
            long timeout = readTimeoutNanos;
            boolean cancelled = false;
            while (!rComplete) {
                if (timeout > 0 && !cancelled) {
                    timeout = readDone.awaitNanos(timeout);
                    if (timeout <= 0 && !rComplete) {
                        if (!conn.loop().tryRunOnLoop(cancelRead)) throw new IOException(CloseReason.STACK_CLOSED.message());
                        cancelled = true;
                    }
                } else {
                    readDone.awaitUninterruptibly();
                }
            }
            if (rError != null) throw rError;
            return rResult;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new InterruptedIOException("read interrupted");
        } finally {
            readLock.unlock();
        }
    }

    /** Writes every byte, blocking while the send buffer is full. */
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) return;
        writeLock.lock();
        try {
            wBuf = b;
            wOff = off;
            wLen = len;
            wComplete = false;
            wError = null;
            submit(writeTask);
            while (!wComplete) writeDone.awaitUninterruptibly();
            if (wError != null) throw wError;
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends FIN after what was written; reading goes on. */
    public void shutdownOutput() {
        TcpConnection c = conn;
        onLoopIfOpen(c::shutdownOutput);
    }

    /** Closes both directions (RST if unread data remains, as a socket does). */
    @Override
    public void close() {
        TcpConnection c = conn;
        if (c != null) onLoopIfOpen(() -> {
            c.close();
            failPending(new IOException("stream closed"));
        });
    }

    /** Resets the connection. */
    public void abort() {
        TcpConnection c = conn;
        if (c != null) onLoopIfOpen(() -> {
            c.abort();
            failPending(new IOException("stream aborted"));
        });
    }

    /** Runs on the loop; once the stack is shut down there is nothing left to close. */
    private void onLoopIfOpen(Runnable r) {
        try {
            conn.loop().runOnLoop(r);
        } catch (RejectedExecutionException stackClosed) {
            // the stack closed every connection already
        }
    }

    private void submit(Runnable task) throws IOException {
        try {
            conn.loop().execute(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(CloseReason.STACK_CLOSED.message());
        }
    }

    // ---- Loop side ----

    private void tryRead() {
        if (rBuf == null) return;
        try {
            int n = conn.read(rBuf, rOff, rLen);
            if (n == 0) {
                if (conn.state() == TcpState.CLOSED && conn.closeReason() == CloseReason.NORMAL) {
                    completeRead(-1, null); // closed normally without FIN from the peer seen by the reader
                } else {
                    rWaiting = true;
                }
                return;
            }
            completeRead(n, null);
        } catch (IOException e) {
            completeRead(0, e);
        }
    }

    private void completeRead(int result, IOException error) {
        rWaiting = false;
        readLock.lock();
        try {
            rBuf = null;
            rResult = result;
            rError = error;
            rComplete = true;
            readDone.signalAll();
        } finally {
            readLock.unlock();
        }
    }

    private void tryWrite() {
        if (wBuf == null) return;
        if (conn.state() == TcpState.CLOSED && conn.closeReason() != null) {
            completeWrite(new IOException(conn.closeReason() == CloseReason.NORMAL ? "connection closed" : conn.closeReason().message()));
            return;
        }
        try {
            while (wLen > 0) {
                int n = conn.write(wBuf, wOff, wLen);
                if (n == 0) {
                    wWaiting = true;
                    return;
                }
                wOff += n;
                wLen -= n;
            }
            completeWrite(null);
        } catch (IOException e) {
            completeWrite(e);
        }
    }

    private void completeWrite(IOException error) {
        wWaiting = false;
        writeLock.lock();
        try {
            wBuf = null;
            wError = error;
            wComplete = true;
            writeDone.signalAll();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Loop side: fails the operations parked waiting for data or room. Only the loop-owned
     * flags are consulted: an operation the application has queued but the loop has not
     * run yet will find the connection closed when it runs.
     */
    private void failPending(IOException e) {
        if (rWaiting) completeRead(0, e);
        if (wWaiting) completeWrite(e);
    }

    @Override
    public void onConnected(TcpConnection c) {
        conn = c;
    }

    @Override
    public void onReadable(TcpConnection c) {
        if (rWaiting) tryRead();
    }

    @Override
    public void onWritable(TcpConnection c) {
        if (wWaiting) tryWrite();
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        if (rWaiting) tryRead();
        if (wWaiting) completeWrite(new IOException(reason == CloseReason.NORMAL ? "connection closed" : reason.message()));
    }
}
