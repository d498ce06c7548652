// Package seal closes orgkit.Command to the command types of this module. The
// interface's Sealed method takes a Token, a type no package outside the module can
// name, so no type outside it can declare that method and be a Command.
package seal

// Token is the parameter type of orgkit.Command's Sealed method.
type Token struct{}
