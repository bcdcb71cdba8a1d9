package class

import (
	"sync/atomic"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Bounds on what one authenticated connection may ask for before its
// session reaches the app (where the session limits apply).
const (
	maxChannelsPerConn = 4  // session channels open at once on one connection
	maxEnvPerSession   = 32 // "env" requests accepted per session
)

type chanCountKey struct{}

// boundedSessionHandler wraps the "session" channel handler: at most
// maxChannelsPerConn open session channels per connection, and at most
// maxEnvPerSession env requests per session (more are refused).
func boundedSessionHandler(next ssh.ChannelHandler) ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
		n, _ := ctx.Value(chanCountKey{}).(*atomic.Int32)
		if n == nil {
			n = new(atomic.Int32)
			ctx.SetValue(chanCountKey{}, n)
		}
		if n.Add(1) > maxChannelsPerConn {
			n.Add(-1)
			_ = newChan.Reject(gossh.ResourceShortage, "too many sessions on one connection")
			return
		}
		defer n.Add(-1)
		next(srv, conn, boundedChannel{newChan}, ctx)
	}
}

type boundedChannel struct{ gossh.NewChannel }

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, in, err := b.NewChannel.Accept()
	if err != nil {
		return ch, in, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		env := 0
		for r := range in {
			if r.Type == "env" {
				if env++; env > maxEnvPerSession {
					if r.WantReply {
						_ = r.Reply(false, nil)
					}
					continue
				}
			}
			out <- r
		}
	}()
	return ch, out, nil
}
