package hcl2

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/ui"
)

var localSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "expression"},
		{Name: "sensitive"},
	},
}

// localDef is one local value, from a locals block or a local block.
type localDef struct {
	name      string
	expr      hcl.Expression
	sensitive bool
	nameRange hcl.Range
}

// dataDef is one data block.
type dataDef struct {
	typ, name string
	block     *hcl.Block
}

func (d *dataDef) key() string { return d.typ + "." + d.name }

// sortedAttributes returns attrs in source order.
func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

// decodeLocalBlocks reads locals and local blocks.
func (l *loader) decodeLocalBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	blocks := append(append([]*hcl.Block(nil), l.top[blockLocal]...), l.top[blockLocals]...)
	sort.SliceStable(blocks, func(i, j int) bool {
		a, b := blocks[i].DefRange, blocks[j].DefRange
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	for _, b := range blocks {
		if b.Type == blockLocals {
			attrs, more := b.Body.JustAttributes()
			diags = append(diags, more...)
			for _, attr := range sortedAttributes(attrs) {
				l.locals = append(l.locals, &localDef{name: attr.Name, expr: attr.Expr, nameRange: attr.NameRange})
			}
			continue
		}
		name := b.Labels[0]
		content, more := b.Body.Content(localSchema)
		diags = append(diags, more...)
		if !validIdentifier(name) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid local name",
				Detail:   badIdentifier,
				Subject:  b.LabelRanges[0].Ptr(),
			})
		}
		ld := &localDef{name: name, nameRange: b.LabelRanges[0]}
		if attr, ok := content.Attributes["sensitive"]; ok {
			diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &ld.sensitive)...)
		}
		attr, ok := content.Attributes["expression"]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing required argument",
				Detail:   `The argument "expression" is required, but no definition was found.`,
				Subject:  b.Body.MissingItemRange().Ptr(),
			})
			continue
		}
		ld.expr = attr.Expr
		l.locals = append(l.locals, ld)
	}
	return diags
}

// decodeDataBlocks reads data blocks; their types are checked when they
// are evaluated.
func (l *loader) decodeDataBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]*dataDef{}
	for _, b := range l.top[blockData] {
		d := &dataDef{typ: b.Labels[0], name: b.Labels[1], block: b}
		if prev, ok := seen[d.key()]; ok {
			diags = append(diags, duplicate(blockData, b, prev.block, "data type and name"))
			continue
		}
		seen[d.key()] = d
		l.datas = append(l.datas, d)
	}
	return diags
}

// node is a local or a data source in the evaluation graph.
type node struct {
	id    string // "local.x" or "data.t.n"
	local *localDef
	data  *dataDef
	deps  []string
	// state: 0 new, 1 visiting, 2 done.
	state int
	ok    bool
	value cty.Value
}

// refs returns the ids of the locals and data sources traversals name.
func refs(traversals []hcl.Traversal) []string {
	var out []string
	for _, t := range traversals {
		switch t.RootName() {
		case "local":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					out = append(out, "local."+a.Name)
				}
			}
		case "data":
			if len(t) > 2 {
				a1, ok1 := t[1].(hcl.TraverseAttr)
				a2, ok2 := t[2].(hcl.TraverseAttr)
				if ok1 && ok2 {
					out = append(out, "data."+a1.Name+"."+a2.Name)
				}
			}
		}
	}
	return out
}

// evaluateLocalsAndData evaluates locals and data sources in dependency
// order, each once, with only what it refers to in scope.
func (l *loader) evaluateLocalsAndData(base *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	nodes := make(map[string]*node, len(l.locals)+len(l.datas))
	var order []*node
	for _, d := range l.datas {
		n := &node{id: "data." + d.key(), data: d}
		if mk, ok := l.reg.Datasources[d.typ]; ok {
			n.deps = refs(hcldec.Variables(d.block.Body, mk().ConfigSpec()))
		}
		nodes[n.id] = n
		order = append(order, n)
	}
	for _, ld := range l.locals {
		id := "local." + ld.name
		if prev, ok := nodes[id]; ok && prev.local != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate local definition",
				Detail:   fmt.Sprintf("Local variable %q is defined twice in your templates. Other definition found at %q", ld.name, prev.local.expr.Range()),
				Subject:  ld.expr.Range().Ptr(),
			})
			continue
		}
		n := &node{id: id, local: ld, deps: refs(ld.expr.Variables())}
		nodes[id] = n
		order = append(order, n)
	}
	if diags.HasErrors() {
		return diags
	}

	// Most locals refer to no other local nor data source: they share
	// one context, in which local and data are empty.
	alone := base.NewChild()
	alone.Variables = map[string]cty.Value{"local": cty.EmptyObjectVal, "data": cty.EmptyObjectVal}

	var stack []*node
	var visit func(n *node)
	visit = func(n *node) {
		switch n.state {
		case 2:
			return
		case 1:
			i := len(stack) - 1
			for i > 0 && stack[i] != n {
				i--
			}
			var path []string
			for _, s := range stack[i:] {
				path = append(path, s.id)
			}
			path = append(path, n.id)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cyclic dependency between locals and data sources",
				Detail:   "Locals and data sources cannot depend on themselves: " + strings.Join(path, " → ") + ".",
				Subject:  stack[len(stack)-1].subject(),
			})
			return
		}
		n.state = 1
		stack = append(stack, n)
		depsOK := true
		for _, id := range n.deps {
			if d, ok := nodes[id]; ok {
				visit(d)
				depsOK = depsOK && d.ok
			}
		}
		stack = stack[:len(stack)-1]
		if n.state == 2 {
			// Reached again through a cycle and reported there.
			return
		}
		n.state = 2
		if !depsOK {
			return
		}
		ectx := alone
		if len(n.deps) > 0 {
			ectx = base.NewChild()
			ectx.Variables = scope(nodes, n.deps)
		}
		var more hcl.Diagnostics
		if n.local != nil {
			n.value, more = n.local.expr.Value(ectx)
		} else {
			n.value, more = l.evaluateData(n.data, ectx)
		}
		diags = append(diags, more...)
		n.ok = !more.HasErrors()
	}
	// As Packer, stop at the first local or data source that fails: the
	// ones after it are not evaluated.
	for _, n := range order {
		visit(n)
		if diags.HasErrors() {
			break
		}
	}

	for _, n := range order {
		if !n.ok {
			continue
		}
		if n.local != nil {
			l.localVals[n.local.name] = n.value
			if n.local.sensitive {
				l.scrub(n.value)
			}
		} else {
			m := l.dataVals[n.data.typ]
			if m == nil {
				m = map[string]cty.Value{}
				l.dataVals[n.data.typ] = m
			}
			m[n.data.name] = n.value
		}
	}
	return diags
}

func (n *node) subject() *hcl.Range {
	if n.local != nil {
		return n.local.nameRange.Ptr()
	}
	return n.data.block.DefRange.Ptr()
}

// scope builds the local and data objects holding the given dependencies
// (those evaluated without error).
func scope(nodes map[string]*node, deps []string) map[string]cty.Value {
	locals := make(map[string]cty.Value, len(deps))
	var datas map[string]map[string]cty.Value
	for _, id := range deps {
		n, ok := nodes[id]
		if !ok || !n.ok {
			continue
		}
		if n.local != nil {
			locals[n.local.name] = n.value
			continue
		}
		if datas == nil {
			datas = map[string]map[string]cty.Value{}
		}
		m := datas[n.data.typ]
		if m == nil {
			m = map[string]cty.Value{}
			datas[n.data.typ] = m
		}
		m[n.data.name] = n.value
	}
	return map[string]cty.Value{"local": cty.ObjectVal(locals), "data": dataObject(datas)}
}

// dataObject is the value of data.*, from the values by type and name.
func dataObject(datas map[string]map[string]cty.Value) cty.Value {
	if len(datas) == 0 {
		return cty.EmptyObjectVal
	}
	obj := make(map[string]cty.Value, len(datas))
	for typ, m := range datas {
		obj[typ] = cty.ObjectVal(m)
	}
	return cty.ObjectVal(obj)
}

// evaluateData configures a data source and, when asked to, executes it;
// otherwise its value is unknown, of its output's type.
func (l *loader) evaluateData(d *dataDef, ectx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	mk, ok := l.reg.Datasources[d.typ]
	if !ok {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown " + blockData + " type " + d.typ,
			Detail:   unknownDetail("data source", d.typ, components.Names(l.reg.Datasources)),
			Subject:  d.block.LabelRanges[0].Ptr(),
		}}
	}
	ds := mk()
	decoded, diags := hcldec.Decode(d.block.Body, ds.ConfigSpec(), ectx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if err := ds.Configure(decoded); err != nil {
		return cty.DynamicVal, append(diags, multiError(config.Diagnostics(err, d.block.Body))...)
	}
	if !l.opts.EvaluateDatasources {
		return cty.UnknownVal(hcldec.ImpliedType(ds.OutputSpec())), diags
	}
	v, err := ds.Execute(l.ctx)
	if err != nil {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  err.Error(),
			Subject:  d.block.DefRange.Ptr(),
		})
	}
	return v, diags
}

// scrub registers every string in v as a secret to hide from output.
func (l *loader) scrub(v cty.Value) {
	_ = cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String && x.AsString() != "" {
			ui.DefaultScrubber.Add(x.AsString())
			l.secrets = append(l.secrets, x.AsString())
		}
		return true, nil
	})
}

// unknownDetail explains an unknown component type, naming those kiln has.
func unknownDetail(kind, typ string, known []string) string {
	detail := fmt.Sprintf("The %s %s is unknown by kiln, and is likely part of a Packer plugin that kiln does not include.", kind, typ)
	if components.IsPackerBuiltin(kind, typ) {
		detail = fmt.Sprintf("The %s %s is built into Packer, but kiln does not support it yet.", kind, typ)
	}
	if s := suggest(typ, known); s != "" {
		detail = fmt.Sprintf("Did you mean to use %q? ", s) + detail
	}
	if len(known) == 0 {
		return detail + fmt.Sprintf("\n\nThis kiln has no %s types.", kind)
	}
	return detail + fmt.Sprintf("\n\nThe %s types kiln provides: %s.", kind, strings.Join(known, ", "))
}
