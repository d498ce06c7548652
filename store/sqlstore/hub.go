package sqlstore

import "github.com/orgkit/orgkit"

// hub fans commit notices out to subscribers. (Placeholder until the contract's
// notification interface lands.)
type hub struct {
	start func()
}

func newHub(start func()) *hub { return &hub{start: start} }

func (h *hub) close() {}

func (p *Postgres) watch() {}

func (h *hub) committed(dir orgkit.DirectoryID, version uint64) {}

func (s *SQLite) watch() {}
