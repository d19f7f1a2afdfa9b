package funcs

import (
	"fmt"
	"math/big"
	"net"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// parsePrefix parses a CIDR prefix into its network address (4 bytes for
// IPv4) and prefix length.
func parsePrefix(s string) (ip net.IP, ones, bits int, err error) {
	_, network, err := net.ParseCIDR(s)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("invalid CIDR expression: %w", err)
	}
	ip = network.IP
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	ones, bits = network.Mask.Size()
	return ip, ones, bits, nil
}

func ipToInt(ip net.IP) *big.Int { return new(big.Int).SetBytes(ip) }

func intToIP(n *big.Int, size int) net.IP {
	b := n.Bytes()
	out := make(net.IP, size)
	copy(out[size-len(b):], b)
	return out
}

// hostAddr returns the address numbered num in the network ip/ones; a
// negative num counts from the end.
func hostAddr(ip net.IP, ones, bits int, num *big.Int) (net.IP, error) {
	hostBits := uint(bits - ones)
	size := new(big.Int).Lsh(bigOne, hostBits)
	n := new(big.Int).Set(num)
	if n.Sign() < 0 {
		n.Add(n, size)
	}
	if n.Sign() < 0 || n.Cmp(size) >= 0 {
		return nil, fmt.Errorf("prefix of %d bits cannot accommodate a host numbered %s", ones, num)
	}
	return intToIP(new(big.Int).Add(ipToInt(ip), n), len(ip)), nil
}

// subnet returns the netnum-th subnet of ip/ones extended by newbits.
func subnet(ip net.IP, ones, bits, newbits int, netnum *big.Int) (net.IP, int, error) {
	if newbits < 0 {
		return nil, 0, fmt.Errorf("newbits must not be negative")
	}
	newOnes := ones + newbits
	if newOnes > bits {
		return nil, 0, fmt.Errorf("insufficient address space to extend prefix of %d by %d", ones, newbits)
	}
	max := new(big.Int).Lsh(bigOne, uint(newbits))
	if netnum.Sign() < 0 || netnum.Cmp(max) >= 0 {
		return nil, 0, fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %s", newbits, netnum)
	}
	off := new(big.Int).Lsh(netnum, uint(bits-newOnes))
	return intToIP(new(big.Int).Add(ipToInt(ip), off), len(ip)), newOnes, nil
}

// CIDRHostFunc returns the address of a host number within a prefix.
var CIDRHostFunc = function.New(&function.Spec{
	Description: "Calculates a full host IP address within a given IP network address prefix.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ip, ones, bits, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		num, acc := args[1].AsBigFloat().Int(nil)
		if acc != big.Exact {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "hostnum must be a whole number")
		}
		addr, err := hostAddr(ip, ones, bits, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(addr.String()), nil
	},
})

// CIDRNetmaskFunc returns the dotted netmask of an IPv4 prefix.
var CIDRNetmaskFunc = function.New(&function.Spec{
	Description: "Converts an IPv4 address prefix given in CIDR notation into a subnet mask address.",
	Params:      []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ip, ones, bits, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		if len(ip) != net.IPv4len {
			return cty.UnknownVal(cty.String), fmt.Errorf("only IPv4 networks are supported")
		}
		return cty.StringVal(net.IP(net.CIDRMask(ones, bits)).String()), nil
	},
})

// CIDRSubnetFunc returns a subnet address within a prefix.
var CIDRSubnetFunc = function.New(&function.Spec{
	Description: "Calculates a subnet address within a given IP network address prefix.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ip, ones, bits, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		var newbits int
		if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		netnum, acc := args[2].AsBigFloat().Int(nil)
		if acc != big.Exact {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(2, "netnum must be a whole number")
		}
		addr, newOnes, err := subnet(ip, ones, bits, newbits, netnum)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(fmt.Sprintf("%s/%d", addr, newOnes)), nil
	},
})

// CIDRSubnetsFunc allocates consecutive subnets of the given extra prefix
// lengths within a prefix.
var CIDRSubnetsFunc = function.New(&function.Spec{
	Description: "Calculates a sequence of consecutive IP address ranges within a particular CIDR prefix.",
	Params:      []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam:    &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:        function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ip, ones, bits, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(0, err)
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		next := ipToInt(ip)
		end := new(big.Int).Add(next, new(big.Int).Lsh(bigOne, uint(bits-ones)))
		out := make([]cty.Value, 0, len(args)-1)
		for i, a := range args[1:] {
			var newbits int
			if err := gocty.FromCtyValue(a, &newbits); err != nil {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(i+1, err)
			}
			if newbits < 1 || ones+newbits > bits {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "would extend prefix to %d bits, which is too long for an IPv%d address", ones+newbits, map[int]int{32: 4, 128: 6}[bits])
			}
			size := new(big.Int).Lsh(bigOne, uint(bits-ones-newbits))
			// Align the next subnet start on its size.
			rem := new(big.Int).Mod(next, size)
			if rem.Sign() != 0 {
				next.Add(next, new(big.Int).Sub(size, rem))
			}
			if new(big.Int).Add(next, size).Cmp(end) > 0 {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "not enough remaining address space for a subnet with a prefix of %d bits after %s", ones+newbits, out[len(out)-1].AsString())
			}
			out = append(out, cty.StringVal(fmt.Sprintf("%s/%d", intToIP(next, len(ip)), ones+newbits)))
			next = new(big.Int).Add(next, size)
		}
		return cty.ListVal(out), nil
	},
})
