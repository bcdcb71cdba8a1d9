package ec2

import (
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Spot Instances: spare capacity at a lower price that EC2 can take back.
//
//   - EC2 gives a Spot interruption notice two minutes before it stops or
//     terminates the instance (terminate is the default behaviour):
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
//   - Spot prices move with supply and demand; AWS advertises savings of
//     up to 90% against On-Demand: https://aws.amazon.com/ec2/spot/pricing/.
//     The simulator uses one fixed discount (Settings.SpotDiscount, 70% by
//     default): a teaching figure, not a quote.
//   - With ECS_ENABLE_SPOT_INSTANCE_DRAINING=true in /etc/ecs/ecs.config,
//     the ECS agent sets its container instance to DRAINING when the notice
//     arrives, so services move their tasks before the instance goes:
//     https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html

// SpotNoticeLead is how long before an interruption its notice arrives.
const SpotNoticeLead = 2 * time.Minute

// EventSpotNotice is the Event kind of a Spot interruption notice.
const EventSpotNotice = "spot-interruption-notice"

var spotDrainRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`ECS_ENABLE_SPOT_INSTANCE_DRAINING\s*=\s*["']?true`) })

// SpotDrainingFromUserData reports whether the user data turns on the ECS
// agent's Spot draining.
func SpotDrainingFromUserData(text string) bool { return spotDrainRE().MatchString(text) }

// PriceHour is what the instance costs per hour: the On-Demand price, or
// the simulated Spot price.
func (s *Service) PriceHour(inst *Instance) float64 {
	if inst.Spot {
		return inst.Type.PriceHour * (1 - s.Settings.SpotDiscount)
	}
	return inst.Type.PriceHour
}

// InterruptSpot gives a running Spot Instance its two-minute interruption
// notice; the instance is terminated when the two minutes are up.
func (s *Service) InterruptSpot(id string) error {
	inst, ok := s.instances[id]
	if !ok {
		return notFound(id)
	}
	if !inst.Spot {
		return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is an On-Demand Instance: only Spot Instances are interrupted.", id)}
	}
	if inst.State != StateRunning {
		return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is %s, not running.", id, inst.State)}
	}
	if inst.SpotNoticeAt >= 0 {
		return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' already has an interruption notice.", id)}
	}
	inst.SpotNoticeAt = s.k.Now()
	at := s.k.Now() + SpotNoticeLead
	inst.Console = append(inst.Console, ConsoleLine{fmt.Sprintf("Spot interruption notice: instance-action terminate at %s", sim.Timestamp(at))})
	s.emit(Event{Kind: EventSpotNotice, At: s.k.Now(), Instance: inst, Reason: "Spot interruption notice"})
	s.k.After(SpotNoticeLead, func() {
		if inst.State == StateRunning || inst.State == StatePending {
			s.stop(inst, "Server.SpotInstanceTermination: Spot instance termination", false)
		}
	})
	return nil
}
