package gcecompat

import (
	"github.com/gin-gonic/gin"
)

// Autoscalers: CloudStack has no autoscaling the gateway could drive for
// a managed instance group, so none exists. Lists answer empty (gcloud's
// instance-groups managed describe/list look for an autoscaler targeting
// each group), gets 404 and inserts 501, in Google's formats.

func (s *server) listAutoscalers(c *gin.Context) (any, error) {
	return zonalList(s, c, "compute#autoscalerList", "autoscalers", noItems)
}

func (s *server) aggregatedAutoscalers(c *gin.Context) (any, error) {
	return zonalAggregated(s, c, "compute#autoscalerAggregatedList", "autoscalers", noItems)
}

func (s *server) insertAutoscaler(c *gin.Context) (any, error) {
	return nil, unimplementedf("Autoscalers are not supported by this gateway: CloudStack has no autoscaling it can drive for a managed instance group. Resize the group instead.")
}
