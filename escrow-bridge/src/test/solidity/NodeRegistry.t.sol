// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {NodeRegistry} from "../../main/solidity/NodeRegistry.sol";
import {OracleQuorum} from "../../main/solidity/OracleQuorum.sol";
import {QuorumTestBase} from "./QuorumTestBase.sol";

/// Stake, node registration signed by the node key, oracle-attested slashing, cooldown, tiers.
contract NodeRegistryTest is QuorumTestBase {
    uint64 internal constant COOLDOWN = 7 days;
    uint64 internal constant PROBATION = 30 days;

    NodeRegistry internal registry;
    address internal provider = address(0xB0B);
    address internal provider2 = address(0xCAFE);
    uint256 internal nodeKey = 0x0DE1;
    address internal node;

    function setUp() public override {
        super.setUp();
        registry = _deploy();
        node = vm.addr(nodeKey);
        vm.deal(provider, 1_000 ether);
        vm.deal(provider2, 1_000 ether);
    }

    function _deploy() internal returns (NodeRegistry) {
        return new NodeRegistry(governance, _oracleAddresses(), 2, COOLDOWN, PROBATION, [uint128(1 ether), 10 ether, 100 ether]);
    }

    function _stake(address who, uint256 amount) internal {
        vm.prank(who);
        registry.stake{value: amount}();
    }

    function _nodeSignature(uint256 key, address provider_) internal view returns (bytes memory) {
        return _signature(key, registry.registrationDigest(vm.addr(key), provider_));
    }

    function _register(address provider_) internal {
        bytes memory signature = _nodeSignature(nodeKey, provider_);
        vm.prank(provider_);
        registry.registerNode(node, signature);
    }

    function _slash(address provider_, uint256 amount, bytes32 evidence) internal {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(registry.slashDigest(provider_, node, amount, evidence, deadline));
        registry.slash(provider_, node, amount, evidence, deadline, signatures);
    }

    function testStakeAndRegisterANodeThatSignedForTheProvider() public {
        _stake(provider, 2 ether);
        _register(provider);
        if (registry.providerOf(node) != provider) revert("node not registered to the provider");
        _eq(registry.providerInfo(provider).nodes, 1, "nodes");
        _eq(registry.registrationNonce(node), 1, "nonce");
        _eq(registry.tierOf(provider), 1, "tier");
    }

    function testRegistrationSignedByAnotherKeyIsRefused() public {
        _stake(provider, 2 ether);
        bytes memory signature = _signature(0xBAD, registry.registrationDigest(node, provider));
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, signature);
    }

    function testRegistrationSignedForAnotherProviderIsRefused() public {
        _stake(provider2, 2 ether);
        bytes memory forProvider = _nodeSignature(nodeKey, provider);
        vm.prank(provider2);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, forProvider);
    }

    function testOldRegistrationSignatureCannotRegisterTheNodeAgain() public {
        _stake(provider, 2 ether);
        bytes memory signature = _nodeSignature(nodeKey, provider);
        vm.prank(provider);
        registry.registerNode(node, signature);
        vm.prank(node);
        registry.deregisterNode(node);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, signature);
    }

    function testRegistrationSignedOnAnotherChainIdIsRefused() public {
        _stake(provider, 2 ether);
        vm.chainId(1);
        bytes memory signature = _nodeSignature(nodeKey, provider);
        vm.chainId(31337);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, signature);
    }

    function testRegistrationSignedForAnotherDeploymentIsRefused() public {
        NodeRegistry other = _deploy();
        _stake(provider, 2 ether);
        bytes memory signature = _signature(nodeKey, other.registrationDigest(node, provider));
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, signature);
    }

    function testHighSRegistrationSignatureIsRefused() public {
        _stake(provider, 2 ether);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(nodeKey, registry.registrationDigest(node, provider));
        bytes memory twin = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.InvalidNodeSignature.selector, node));
        registry.registerNode(node, twin);
    }

    function testRegisteringWithoutTier1StakeIsRefused() public {
        _stake(provider, 0.5 ether);
        bytes memory signature = _nodeSignature(nodeKey, provider);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NotEnoughStake.selector, 0.5 ether, 1 ether));
        registry.registerNode(node, signature);
    }

    function testNodeRegisteredTwiceIsRefused() public {
        _stake(provider, 2 ether);
        _stake(provider2, 2 ether);
        _register(provider);
        bytes memory signature = _nodeSignature(nodeKey, provider2);
        vm.prank(provider2);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeAlreadyRegistered.selector, node, provider));
        registry.registerNode(node, signature);
    }

    function testSuspendedProviderCannotRegister() public {
        _stake(provider, 200 ether);
        uint8 suspended = registry.FLAG_SUSPENDED(); // before the prank, which the next call takes
        vm.prank(governance);
        registry.setFlags(provider, suspended);
        _eq(registry.tierOf(provider), 0, "suspended tier");
        bytes memory signature = _nodeSignature(nodeKey, provider);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.ProviderSuspended.selector, provider));
        registry.registerNode(node, signature);
    }

    function testOnlyTheNodeOrItsProviderDeregisters() public {
        _stake(provider, 2 ether);
        _register(provider);
        vm.prank(provider2);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NotNodeOrProvider.selector, provider2));
        registry.deregisterNode(node);
        vm.prank(provider);
        registry.deregisterNode(node);
        if (registry.providerOf(node) != address(0)) revert("still registered");
        _eq(registry.providerInfo(provider).nodes, 0, "nodes");
    }

    function testTierFollowsStakeAndFlags() public {
        _stake(provider, 1 ether);
        _eq(registry.tierOf(provider), 1, "1 ether");
        _stake(provider, 9 ether);
        _eq(registry.tierOf(provider), 2, "10 ether");
        uint8 verified = registry.FLAG_VERIFIED_DATACENTER();
        vm.prank(governance);
        registry.setFlags(provider, verified);
        _eq(registry.tierOf(provider), 3, "10 ether, verified data center");
        _stake(provider, 90 ether);
        _eq(registry.tierOf(provider), 3, "100 ether, verified: at most 3");
        _eq(registry.tierOf(provider2), 0, "no stake");
    }

    function testOnlyGovernanceSetsFlags() public {
        uint8 suspended = registry.FLAG_SUSPENDED();
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(OWNABLE_UNAUTHORIZED, provider));
        registry.setFlags(provider, suspended);
    }

    function testQuorumSlashesTheStakeAndPutsTheProviderOnProbation() public {
        _stake(provider, 50 ether);
        _register(provider);
        _eq(registry.tierOf(provider), 2, "tier before");
        _slash(provider, 5 ether, keccak256("forged receipt 1"));
        _eq(registry.providerInfo(provider).staked, 45 ether, "staked");
        _eq(registry.slashedUnswept(), 5 ether, "slashed");
        _eq(registry.tierOf(provider), 1, "tier on probation");
        vm.warp(block.timestamp + PROBATION);
        _eq(registry.tierOf(provider), 2, "tier after probation");
    }

    function testTheSameEvidenceSlashesOnce() public {
        _stake(provider, 50 ether);
        bytes32 evidence = keccak256("forged receipt 1");
        _slash(provider, 5 ether, evidence);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(registry.slashDigest(provider, node, 5 ether, evidence, deadline));
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.EvidenceAlreadyUsed.selector, evidence));
        registry.slash(provider, node, 5 ether, evidence, deadline, signatures);
    }

    function testSlashOneSignatureShortIsRefused() public {
        _stake(provider, 50 ether);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = registry.slashDigest(provider, node, 5 ether, bytes32("e"), deadline);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.TooFewSignatures.selector, 1, 2));
        registry.slash(provider, node, 5 ether, bytes32("e"), deadline, _signature(oracleKeys[0], digest));
    }

    function testSlashWithATamperedAmountIsRefused() public {
        _stake(provider, 50 ether);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(registry.slashDigest(provider, node, 1 ether, bytes32("e"), deadline));
        vm.expectRevert(
            _strangerSigned(registry.slashDigest(provider, node, 50 ether, bytes32("e"), deadline), signatures)
        );
        registry.slash(provider, node, 50 ether, bytes32("e"), deadline, signatures);
        _eq(registry.providerInfo(provider).staked, 50 ether, "untouched");
    }

    function testSlashOfAnotherProviderWithTheSameSignaturesIsRefused() public {
        _stake(provider, 50 ether);
        _stake(provider2, 50 ether);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(registry.slashDigest(provider, node, 1 ether, bytes32("e"), deadline));
        vm.expectRevert(
            _strangerSigned(registry.slashDigest(provider2, node, 1 ether, bytes32("e"), deadline), signatures)
        );
        registry.slash(provider2, node, 1 ether, bytes32("e"), deadline, signatures);
    }

    function testExpiredSlashAttestationIsRefused() public {
        _stake(provider, 50 ether);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(registry.slashDigest(provider, node, 1 ether, bytes32("e"), deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.AttestationExpired.selector, deadline));
        registry.slash(provider, node, 1 ether, bytes32("e"), deadline, signatures);
    }

    function testUnstakingDoesNotEscapeASlash() public {
        _stake(provider, 10 ether);
        _register(provider);
        vm.prank(provider);
        registry.requestUnstake(10 ether);
        vm.prank(provider);
        registry.deregisterNode(node);
        _slash(provider, 4 ether, keccak256("late evidence"));
        _eq(registry.providerInfo(provider).unbonding, 6 ether, "unbonding after slash");
        vm.warp(block.timestamp + COOLDOWN);
        uint256 before = provider.balance;
        vm.prank(provider);
        registry.withdrawUnstaked();
        _eq(provider.balance - before, 6 ether, "withdrew the rest");
    }

    function testSlashBeyondTheStakeTakesWhatThereIs() public {
        _stake(provider, 3 ether);
        vm.prank(provider);
        registry.requestUnstake(1 ether);
        _slash(provider, 100 ether, keccak256("big"));
        _eq(registry.providerInfo(provider).staked, 0, "staked");
        _eq(registry.providerInfo(provider).unbonding, 0, "unbonding");
        _eq(registry.slashedUnswept(), 3 ether, "slashed");
    }

    function testWithdrawBeforeTheCooldownIsRefused() public {
        _stake(provider, 10 ether);
        vm.prank(provider);
        registry.requestUnstake(4 ether);
        uint64 availableAt = uint64(block.timestamp) + COOLDOWN;
        vm.warp(availableAt - 1);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.CooldownNotOver.selector, availableAt));
        registry.withdrawUnstaked();
    }

    function testUnstakeMoreThanStakedIsRefused() public {
        _stake(provider, 1 ether);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.UnstakeTooLarge.selector, 2 ether, 1 ether));
        registry.requestUnstake(2 ether);
    }

    function testReentrantProviderCannotWithdrawUnstakedTwice() public {
        ReenteringProvider attacker = new ReenteringProvider(registry);
        vm.deal(address(attacker), 10 ether);
        attacker.stakeAndUnstake(5 ether);
        _stake(provider, 20 ether); // other stake the attacker would like to drain
        vm.warp(block.timestamp + COOLDOWN);
        vm.expectRevert(NodeRegistry.TransferFailed.selector);
        attacker.withdraw();
        _eq(address(registry).balance, 25 ether, "registry keeps everything");
    }

    function testOnlyGovernanceSweepsSlashedStake() public {
        _stake(provider, 10 ether);
        _slash(provider, 2 ether, keccak256("e"));
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(OWNABLE_UNAUTHORIZED, provider));
        registry.sweepSlashed(payable(provider));
        address treasury = address(0x7EA5);
        vm.prank(governance);
        registry.sweepSlashed(payable(treasury));
        _eq(treasury.balance, 2 ether, "treasury");
        _eq(registry.slashedUnswept(), 0, "unswept");
    }

    /// Whatever happens, the registry's ether is stake + unbonding + slashed-not-swept.
    function testFuzzStakeUnstakeSlashConserveEther(uint96 staked, uint96 unstaked, uint96 slashed) public {
        vm.assume(staked > 0);
        vm.assume(unstaked > 0 && unstaked <= staked);
        vm.deal(provider, staked);
        _stake(provider, staked);
        vm.prank(provider);
        registry.requestUnstake(unstaked);
        _slash(provider, slashed, keccak256("fuzz"));
        NodeRegistry.Provider memory p = registry.providerInfo(provider);
        _eq(address(registry).balance, uint256(p.staked) + p.unbonding + registry.slashedUnswept(), "conserved");
        uint256 expectedTaken = slashed < staked ? slashed : staked;
        _eq(registry.slashedUnswept(), expectedTaken, "taken");
    }
}

/// A provider contract that tries to withdraw its unbonded stake again from inside the transfer.
contract ReenteringProvider {
    NodeRegistry private immutable registry;

    constructor(NodeRegistry registry_) {
        registry = registry_;
    }

    function stakeAndUnstake(uint256 amount) external {
        registry.stake{value: amount}();
        registry.requestUnstake(amount);
    }

    function withdraw() external {
        registry.withdrawUnstaked();
    }

    receive() external payable {
        registry.withdrawUnstaked();
    }
}
