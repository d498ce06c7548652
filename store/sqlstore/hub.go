package sqlstore

// hub fans commit notices out to subscribers. (Placeholder until the contract's
// notification interface lands.)
type hub struct {
	start func()
}

func newHub(start func()) *hub { return &hub{start: start} }

func (h *hub) close() {}

func (p *Postgres) watch() {}
