// Package bench compares orgkit's visibility index with other authorization
// libraries on the same questions. It is a nested module so that orgkit itself does
// not depend on them; see README.md for the models and the figures.
package bench
